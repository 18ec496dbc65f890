#include "model/vision/image_decode.hpp"

extern "C" {
#include <libavformat/avformat.h>
}

#include <memory>
#include <string>

#include "model/vision/media_error.hpp"
#include "model/vision/memory_io.hpp"
#include "model/vision/rgb_frame.hpp"

namespace vlserve::model::vision {
namespace {

// FFmpeg's content-probed single-image demuxers (plus "gif", whose first frame is taken).
constexpr const char* image_formats = "png_pipe,jpeg_pipe,webp_pipe,bmp_pipe,gif";
constexpr const char* supported = "PNG, JPEG, WebP, GIF or BMP";

}  // namespace

rgb_image decode_image(std::span<const uint8_t> bytes, const media_limits& limits) {
  if (bytes.empty()) throw media_error("image is empty (0 bytes)");
  if (bytes.size() > limits.max_item_bytes)
    throw media_error("image is " + std::to_string(bytes.size()) + " bytes, above the limit of " +
                      std::to_string(limits.max_item_bytes));
  std::unique_ptr<memory_demuxer> demuxer;
  try {
    demuxer = std::make_unique<memory_demuxer>(bytes, image_formats, "image");
  } catch (const media_error&) {
    throw media_error(std::string("image data is not a supported image (") + supported + ") or is corrupt");
  }
  AVFormatContext* ctx = demuxer->context();
  if (ctx->nb_streams < 1) throw media_error("image file holds no picture");
  int stream = -1;
  for (unsigned i = 0; i < ctx->nb_streams; ++i)
    if (ctx->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) {
      stream = static_cast<int>(i);
      break;
    }
  if (stream < 0) throw media_error("image file holds no picture");
  stream_decoder decoder(*demuxer, stream, limits.max_image_pixels, "image");
  if (!decoder.next_frame())
    // The decoder also refuses pictures above max_pixels here (before allocating them).
    throw media_error("image could not be decoded: the data is truncated or corrupt, or the picture is above the limit of " +
                      std::to_string(limits.max_image_pixels) + " pixels");
  const AVFrame& frame = *decoder.frame();
  // A decoder may conceal errors in a damaged file and still return a frame: refuse it.
  if (decoder.errors() > 0 || (frame.decode_error_flags != 0) || (frame.flags & AV_FRAME_FLAG_CORRUPT))
    throw media_error("image data is truncated or corrupt");
  if (int64_t(frame.width) * frame.height > limits.max_image_pixels)
    throw media_error("image is " + std::to_string(frame.width) + "x" + std::to_string(frame.height) +
                      ", above the limit of " + std::to_string(limits.max_image_pixels) + " pixels");
  return still_frame_to_rgb(frame);
}

}  // namespace vlserve::model::vision
