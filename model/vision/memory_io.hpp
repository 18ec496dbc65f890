// FFmpeg demuxing and decoding of an in-memory file (no filesystem, no network): the RAII
// wrappers shared by the image and video decoders. Internal to model/vision.
#pragma once

#include <cstdint>
#include <span>
#include <string>

struct AVFormatContext;
struct AVIOContext;
struct AVCodecContext;
struct AVFrame;
struct AVPacket;

namespace vlserve::model::vision {

// Opens `bytes` with the demuxers named in `format_whitelist` (FFmpeg's comma list) only; nested
// opens (playlists, external references) are refused. `what` ("image", "video") names the item
// in error messages. Throws media_error when no allowed format recognises the data.
class memory_demuxer {
 public:
  memory_demuxer(std::span<const uint8_t> bytes, const char* format_whitelist, const std::string& what);
  ~memory_demuxer();
  memory_demuxer(const memory_demuxer&) = delete;
  memory_demuxer& operator=(const memory_demuxer&) = delete;

  AVFormatContext* context() const { return ctx_; }
  // Index of the best video stream; throws media_error if there is none.
  int video_stream() const;

 private:
  struct reader;
  reader* reader_ = nullptr;
  AVIOContext* io_ = nullptr;
  AVFormatContext* ctx_ = nullptr;
};

// A decoder for one stream of an open demuxer. `max_pixels` bounds width·height of a frame;
// `threads` 0 lets FFmpeg choose (videos), 1 decodes on the calling thread (images).
class stream_decoder {
 public:
  stream_decoder(const memory_demuxer& demuxer, int stream, int64_t max_pixels, const std::string& what,
                 int threads = 1);
  ~stream_decoder();
  stream_decoder(const stream_decoder&) = delete;
  stream_decoder& operator=(const stream_decoder&) = delete;

  // Feeds packets until a frame comes out; false at the end of the stream. The frame stays
  // valid until the next call. Decode errors of single packets are skipped (counted in
  // errors()); a broken container throws media_error.
  bool next_frame();
  AVFrame* frame() const { return frame_; }
  int errors() const { return errors_; }

 private:
  void release();

  const memory_demuxer& demuxer_;
  int stream_;
  std::string what_;
  AVCodecContext* codec_ = nullptr;
  AVPacket* packet_ = nullptr;
  AVFrame* frame_ = nullptr;
  bool draining_ = false;
  int errors_ = 0;
};

// FFmpeg's text for an error code.
std::string av_error_text(int code);

}  // namespace vlserve::model::vision
