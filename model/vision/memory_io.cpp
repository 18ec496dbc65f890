#include "model/vision/memory_io.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/log.h>
#include <libavutil/mem.h>
}

#include <algorithm>
#include <cstring>
#include <mutex>
#include <vector>

#include "model/vision/media_error.hpp"

namespace vlserve::model::vision {

std::string av_error_text(int code) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, buf, sizeof buf);
  return buf;
}

struct memory_demuxer::reader {
  const uint8_t* data;
  int64_t size;
  int64_t pos = 0;

  static int read(void* opaque, uint8_t* buf, int buf_size) {
    auto* r = static_cast<reader*>(opaque);
    const int64_t n = std::min<int64_t>(buf_size, r->size - r->pos);
    if (n <= 0) return AVERROR_EOF;
    std::memcpy(buf, r->data + r->pos, static_cast<size_t>(n));
    r->pos += n;
    return static_cast<int>(n);
  }

  static int64_t seek(void* opaque, int64_t offset, int whence) {
    auto* r = static_cast<reader*>(opaque);
    whence &= ~AVSEEK_FORCE;
    int64_t target;
    if (whence == AVSEEK_SIZE) return r->size;
    if (whence == SEEK_SET) target = offset;
    else if (whence == SEEK_CUR) target = r->pos + offset;
    else if (whence == SEEK_END) target = r->size + offset;
    else return AVERROR(EINVAL);
    if (target < 0 || target > r->size) return AVERROR(EINVAL);
    r->pos = target;
    return target;
  }
};

namespace {

// Demuxers such as HLS, concat or MOV references would open further URLs; an upload must never
// reach the filesystem or the network.
int refuse_nested_open(AVFormatContext*, AVIOContext**, const char*, int, AVDictionary**) {
  return AVERROR(EPERM);
}

constexpr int io_buffer_size = 1 << 15;

}  // namespace

memory_demuxer::memory_demuxer(std::span<const uint8_t> bytes, const char* format_whitelist,
                               const std::string& what) {
  if (bytes.empty()) throw media_error(what + " is empty (0 bytes)");
  // Every FFmpeg failure here becomes a media_error for the client; FFmpeg's own per-packet
  // complaints about client data would only flood the server log.
  static std::once_flag quiet;
  std::call_once(quiet, [] { av_log_set_level(AV_LOG_FATAL); });
  reader_ = new reader{bytes.data(), static_cast<int64_t>(bytes.size())};
  auto* buffer = static_cast<unsigned char*>(av_malloc(io_buffer_size));
  io_ = buffer ? avio_alloc_context(buffer, io_buffer_size, 0, reader_, &reader::read, nullptr, &reader::seek)
               : nullptr;
  ctx_ = io_ ? avformat_alloc_context() : nullptr;
  if (!ctx_) {
    if (io_) {
      av_freep(&io_->buffer);
      avio_context_free(&io_);
    } else {
      av_free(buffer);
    }
    delete reader_;
    throw std::bad_alloc();
  }
  ctx_->pb = io_;
  ctx_->flags |= AVFMT_FLAG_CUSTOM_IO;
  ctx_->io_open = &refuse_nested_open;
  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "format_whitelist", format_whitelist, 0);
  const int rc = avformat_open_input(&ctx_, nullptr, nullptr, &opts);
  av_dict_free(&opts);
  if (rc < 0) {
    // avformat_open_input frees the context (not the custom I/O) on failure.
    ctx_ = nullptr;
    av_freep(&io_->buffer);
    avio_context_free(&io_);
    delete reader_;
    throw media_error(what + " is not in a supported format or is corrupt (" + av_error_text(rc) + ")");
  }
}

memory_demuxer::~memory_demuxer() {
  avformat_close_input(&ctx_);
  if (io_) {
    av_freep(&io_->buffer);
    avio_context_free(&io_);
  }
  delete reader_;
}

int memory_demuxer::video_stream() const {
  const int idx = av_find_best_stream(ctx_, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (idx < 0) throw media_error("no video stream found");
  return idx;
}

stream_decoder::stream_decoder(const memory_demuxer& demuxer, int stream, int64_t max_pixels,
                               const std::string& what, int threads)
    : demuxer_(demuxer), stream_(stream), what_(what) {
  const AVCodecParameters* par = demuxer.context()->streams[stream]->codecpar;
  const AVCodec* codec = avcodec_find_decoder(par->codec_id);
  if (!codec) throw media_error(what + " uses a codec this server cannot decode");
  if (int64_t(par->width) * par->height > max_pixels)
    throw media_error(what + " is " + std::to_string(par->width) + "x" + std::to_string(par->height) +
                      ", above the limit of " + std::to_string(max_pixels) + " pixels");
  codec_ = avcodec_alloc_context3(codec);
  packet_ = av_packet_alloc();
  frame_ = av_frame_alloc();
  if (!codec_ || !packet_ || !frame_) {
    release();
    throw std::bad_alloc();
  }
  int rc = avcodec_parameters_to_context(codec_, par);
  // The decoder itself refuses frames above the pixel limit (checked before allocation).
  codec_->max_pixels = max_pixels;
  codec_->thread_count = threads;
  if (rc >= 0) rc = avcodec_open2(codec_, codec, nullptr);
  if (rc < 0) {
    release();
    throw media_error(what + ": cannot open the decoder (" + av_error_text(rc) + ")");
  }
}

stream_decoder::~stream_decoder() { release(); }

void stream_decoder::release() {
  avcodec_free_context(&codec_);
  av_packet_free(&packet_);
  av_frame_free(&frame_);
}

bool stream_decoder::next_frame() {
  // Each pass either returns or consumes one packet of a finite in-memory file, so the loop
  // ends; the counter guards against a decoder that never reports EOF.
  for (int64_t guard = 0; guard < (int64_t{1} << 26); ++guard) {
    const int got = avcodec_receive_frame(codec_, frame_);
    if (got == 0) return true;
    if (got == AVERROR_EOF) return false;
    if (got != AVERROR(EAGAIN)) {
      ++errors_;
      continue;
    }
    if (draining_) return false;
    const int rc = av_read_frame(demuxer_.context(), packet_);
    if (rc < 0) {
      // End of data, or a truncated/corrupt container: decode what arrived so far.
      if (rc != AVERROR_EOF) ++errors_;
      avcodec_send_packet(codec_, nullptr);
      draining_ = true;
      continue;
    }
    if (packet_->stream_index == stream_) {
      if (avcodec_send_packet(codec_, packet_) < 0) ++errors_;
    }
    av_packet_unref(packet_);
  }
  throw media_error(what_ + ": the decoder did not finish");
}

}  // namespace vlserve::model::vision
