#include "model/vision/rgb_frame.hpp"

extern "C" {
#include <libavutil/frame.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/vision/media_error.hpp"

namespace vlserve::model::vision {
namespace {

rgb_image blank(const AVFrame& frame) {
  if (frame.width <= 0 || frame.height <= 0) throw media_error("image has zero width or height");
  rgb_image img{frame.width, frame.height, {}};
  img.pixels.resize(size_t(frame.width) * size_t(frame.height) * 3);
  return img;
}

// Walks every pixel; `get(y, x, out_rgb)` reads one source pixel as RGB.
template <typename Get>
rgb_image convert(const AVFrame& frame, Get get) {
  rgb_image img = blank(frame);
  uint8_t* dst = img.pixels.data();
  for (int y = 0; y < frame.height; ++y)
    for (int x = 0; x < frame.width; ++x, dst += 3) get(y, x, dst);
  return img;
}

const uint8_t* row_of(const AVFrame& frame, int plane, int y) {
  return frame.data[plane] + static_cast<ptrdiff_t>(y) * frame.linesize[plane];
}

rgb_image via_swscale(const AVFrame& frame, int flags) {
  rgb_image img = blank(frame);
  SwsContext* sws = sws_getContext(frame.width, frame.height, static_cast<AVPixelFormat>(frame.format),
                                   frame.width, frame.height, AV_PIX_FMT_RGB24, flags, nullptr, nullptr, nullptr);
  if (!sws) {
    const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(frame.format));
    throw media_error(std::string("unsupported pixel format ") + (name ? name : "?"));
  }
  // swscale's SIMD converters store whole vectors and may write past the end of a tightly packed
  // row, so convert into 64-byte-aligned rows with slack at the end, then pack.
  const int stride = (frame.width * 3 + 63) / 64 * 64;
  std::vector<uint8_t> buffer(size_t(stride) * frame.height + 256);
  uint8_t* planes[4] = {buffer.data(), nullptr, nullptr, nullptr};
  int strides[4] = {stride, 0, 0, 0};
  sws_scale(sws, frame.data, frame.linesize, 0, frame.height, planes, strides);
  sws_freeContext(sws);
  for (int y = 0; y < frame.height; ++y)
    std::memcpy(&img.pixels[size_t(y) * frame.width * 3], buffer.data() + size_t(y) * stride,
                size_t(frame.width) * 3);
  return img;
}

}  // namespace

rgb_image still_frame_to_rgb(const AVFrame& frame) {
  const auto fmt = static_cast<AVPixelFormat>(frame.format);
  switch (fmt) {
    case AV_PIX_FMT_RGB24:
    case AV_PIX_FMT_RGBA:
    case AV_PIX_FMT_RGB48BE:
    case AV_PIX_FMT_RGBA64BE: {
      const bool wide = fmt == AV_PIX_FMT_RGB48BE || fmt == AV_PIX_FMT_RGBA64BE;
      const bool alpha = fmt == AV_PIX_FMT_RGBA || fmt == AV_PIX_FMT_RGBA64BE;
      const int step = (wide ? 2 : 1) * (alpha ? 4 : 3), sample = wide ? 2 : 1;
      return convert(frame, [&](int y, int x, uint8_t* p) {
        const uint8_t* s = row_of(frame, 0, y) + x * step;
        for (int c = 0; c < 3; ++c) p[c] = s[c * sample];  // 16-bit is big-endian: high byte first
      });
    }
    case AV_PIX_FMT_GRAY8:
    case AV_PIX_FMT_GRAY16BE:
    case AV_PIX_FMT_YA8:
    case AV_PIX_FMT_YA16BE: {
      const bool wide = fmt == AV_PIX_FMT_GRAY16BE || fmt == AV_PIX_FMT_YA16BE;
      const bool alpha = fmt == AV_PIX_FMT_YA8 || fmt == AV_PIX_FMT_YA16BE;
      const int step = (wide ? 2 : 1) * (alpha ? 2 : 1);
      return convert(frame, [&](int y, int x, uint8_t* p) { p[0] = p[1] = p[2] = row_of(frame, 0, y)[x * step]; });
    }
    case AV_PIX_FMT_PAL8:
      return convert(frame, [&](int y, int x, uint8_t* p) {
        // FFmpeg palettes are native-endian 0xAARRGGBB words.
        uint32_t argb;
        std::memcpy(&argb, frame.data[1] + 4 * row_of(frame, 0, y)[x], 4);
        p[0] = uint8_t(argb >> 16), p[1] = uint8_t(argb >> 8), p[2] = uint8_t(argb);
      });
    default:
      break;
  }
  if (!av_pix_fmt_desc_get(fmt)) throw media_error("image has an unknown pixel format");
  // JPEG/WebP chroma: interpolated and accurately rounded, closest to libjpeg/libwebp output.
  return via_swscale(frame, SWS_BILINEAR | SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP | SWS_ACCURATE_RND);
}

rgb_image video_frame_to_rgb(const AVFrame& frame) {
  return via_swscale(frame, SWS_BILINEAR);
}

}  // namespace vlserve::model::vision
