#include "model/vision/video_decode.hpp"

extern "C" {
#include <libavformat/avformat.h>
}

#include <string>

#include "model/vision/media_error.hpp"
#include "model/vision/memory_io.hpp"
#include "model/vision/rgb_frame.hpp"

namespace vlserve::model::vision {
namespace {

constexpr const char* video_formats = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,mpegts";

memory_demuxer open_video(std::span<const uint8_t> bytes) {
  try {
    return memory_demuxer(bytes, video_formats, "video");
  } catch (const media_error& e) {
    throw media_error(std::string(e.what()) + "; supported containers: MP4/MOV, WebM/MKV, AVI, MPEG-TS");
  }
}

double stream_fps(const AVStream& s) {
  for (AVRational r : {s.avg_frame_rate, s.r_frame_rate})
    if (r.num > 0 && r.den > 0) return av_q2d(r);
  return 24.0;  // HF's assumption when the container does not say
}

// Counts the video stream's packets without decoding (one packet per frame for the codecs
// accepted here); the decode pass corrects the count if some do not decode.
int64_t count_packets(std::span<const uint8_t> bytes, const media_limits& limits, double& fps) {
  memory_demuxer demuxer = open_video(bytes);
  const int stream = demuxer.video_stream();
  fps = stream_fps(*demuxer.context()->streams[stream]);
  AVPacket* packet = av_packet_alloc();
  if (!packet) throw std::bad_alloc();
  int64_t count = 0;
  while (av_read_frame(demuxer.context(), packet) >= 0) {
    if (packet->stream_index == stream) ++count;
    av_packet_unref(packet);
    if (count > limits.max_source_frames) break;
  }
  av_packet_free(&packet);
  if (count > limits.max_source_frames)
    throw media_error("video has more than " + std::to_string(limits.max_source_frames) + " frames");
  return count;
}

// Decodes every frame, keeping those listed in `indices`; returns how many frames decoded.
int64_t decode_pass(std::span<const uint8_t> bytes, const media_limits& limits,
                    const std::vector<int64_t>& indices, const frame_transform& transform,
                    std::vector<rgb_image>& kept) {
  kept.clear();
  memory_demuxer demuxer(bytes, video_formats, "video");
  stream_decoder decoder(demuxer, demuxer.video_stream(), limits.max_image_pixels, "video", 0);
  int64_t number = 0;
  size_t next = 0;
  int width = 0, height = 0;
  while (decoder.next_frame()) {
    const AVFrame& frame = *decoder.frame();
    if (number == 0) width = frame.width, height = frame.height;
    if (frame.width != width || frame.height != height)
      throw media_error("video changes resolution mid-stream; this is not supported");
    while (next < indices.size() && indices[next] == number) {
      kept.push_back(transform(video_frame_to_rgb(frame), indices.size()));
      ++next;
    }
    if (++number > limits.max_source_frames)
      throw media_error("video has more than " + std::to_string(limits.max_source_frames) + " frames");
  }
  return number;
}

}  // namespace

decoded_video decode_video(std::span<const uint8_t> bytes, const media_limits& limits,
                           const frame_chooser& choose, const frame_transform& transform) {
  if (bytes.size() > limits.max_item_bytes)
    throw media_error("video is " + std::to_string(bytes.size()) + " bytes, above the limit of " +
                      std::to_string(limits.max_item_bytes));
  decoded_video out;
  out.total_frames = count_packets(bytes, limits, out.source_fps);
  // At most two decode passes: the second only when fewer frames decode than packets exist,
  // and then with the count the first pass observed (decoding is deterministic).
  for (int pass = 0; pass < 2; ++pass) {
    if (out.total_frames <= 0) break;
    out.indices = choose(out.total_frames, out.source_fps);
    const int64_t decoded = decode_pass(bytes, limits, out.indices, transform, out.frames);
    if (decoded == out.total_frames && out.frames.size() == out.indices.size()) return out;
    out.total_frames = decoded;
  }
  throw media_error("video has no decodable frames");
}

}  // namespace vlserve::model::vision
