// Decoding of each accepted image format, from files encoded here with FFmpeg's own encoders:
// lossless ones must round-trip exactly, JPEG closely; alpha is dropped as PIL's convert("RGB").
#include <gtest/gtest.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
}

#include <cstdlib>

#include "model/vision/image_decode.hpp"

namespace vlserve::testing {
namespace {

namespace mv = model::vision;

mv::rgb_image gradient(int w, int h) {
  mv::rgb_image img{w, h, std::vector<uint8_t>(size_t(w) * h * 3)};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &img.pixels[(size_t(y) * w + x) * 3];
      p[0] = uint8_t(x * 255 / (w - 1)), p[1] = uint8_t(y * 255 / (h - 1)), p[2] = uint8_t((x + y) * 255 / (w + h - 2));
    }
  return img;
}

// Encodes one picture; `alpha` (if set) becomes the fourth channel of an RGBA input.
std::vector<uint8_t> encode(const char* encoder, AVPixelFormat fmt, const mv::rgb_image& img, bool alpha = false) {
  const AVCodec* codec = avcodec_find_encoder_by_name(encoder);
  if (!codec) return {};
  AVCodecContext* ctx = avcodec_alloc_context3(codec);
  ctx->width = img.width, ctx->height = img.height, ctx->pix_fmt = fmt, ctx->time_base = {1, 25};
  if (fmt == AV_PIX_FMT_YUVJ420P) ctx->color_range = AVCOL_RANGE_JPEG;
  EXPECT_GE(avcodec_open2(ctx, codec, nullptr), 0) << encoder;
  AVFrame* frame = av_frame_alloc();
  frame->format = fmt, frame->width = img.width, frame->height = img.height;
  EXPECT_GE(av_frame_get_buffer(frame, 0), 0);
  if (alpha) {
    for (int y = 0; y < img.height; ++y)
      for (int x = 0; x < img.width; ++x) {
        uint8_t* d = frame->data[0] + y * frame->linesize[0] + x * 4;
        for (int c = 0; c < 3; ++c) d[c] = img.at(y, x, c);
        d[3] = uint8_t((x % 3) * 127);  // 0, 127, 254: transparent pixels included
      }
  } else {
    SwsContext* sws = sws_getContext(img.width, img.height, AV_PIX_FMT_RGB24, img.width, img.height, fmt,
                                     SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, nullptr, nullptr, nullptr);
    std::vector<uint8_t> src(img.pixels.size() + 64);
    std::copy(img.pixels.begin(), img.pixels.end(), src.begin());
    const uint8_t* planes[4] = {src.data(), nullptr, nullptr, nullptr};
    const int strides[4] = {img.width * 3, 0, 0, 0};
    sws_scale(sws, planes, strides, 0, img.height, frame->data, frame->linesize);
    sws_freeContext(sws);
  }
  std::vector<uint8_t> out;
  AVPacket* pkt = av_packet_alloc();
  avcodec_send_frame(ctx, frame);
  avcodec_send_frame(ctx, nullptr);
  while (avcodec_receive_packet(ctx, pkt) == 0) {
    out.insert(out.end(), pkt->data, pkt->data + pkt->size);
    av_packet_unref(pkt);
  }
  av_packet_free(&pkt);
  av_frame_free(&frame);
  avcodec_free_context(&ctx);
  return out;
}

double mean_abs_diff(const mv::rgb_image& a, const mv::rgb_image& b) {
  double sum = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) sum += std::abs(int(a.pixels[i]) - int(b.pixels[i]));
  return sum / double(a.pixels.size());
}

TEST(image_formats, png_rgb_bmp_round_trip_exactly) {
  const mv::rgb_image src = gradient(67, 45);
  for (auto [enc, fmt] : {std::pair{"png", AV_PIX_FMT_RGB24}, std::pair{"bmp", AV_PIX_FMT_BGR24}}) {
    const auto bytes = encode(enc, fmt, src);
    ASSERT_FALSE(bytes.empty()) << enc;
    const mv::rgb_image got = mv::decode_image(bytes, mv::media_limits{});
    ASSERT_EQ(got.width, 67) << enc;
    ASSERT_EQ(got.height, 45) << enc;
    EXPECT_EQ(got.pixels, src.pixels) << enc;
  }
}

TEST(image_formats, png_rgba_drops_alpha) {
  const mv::rgb_image src = gradient(40, 30);
  const mv::rgb_image got = mv::decode_image(encode("png", AV_PIX_FMT_RGBA, src, true), mv::media_limits{});
  EXPECT_EQ(got.pixels, src.pixels);
}

TEST(image_formats, grayscale_png_is_replicated) {
  const mv::rgb_image src = gradient(33, 20);
  const mv::rgb_image got = mv::decode_image(encode("png", AV_PIX_FMT_GRAY8, src), mv::media_limits{});
  ASSERT_EQ(got.width, 33);
  for (size_t i = 0; i < got.pixels.size(); i += 3) {
    EXPECT_EQ(got.pixels[i], got.pixels[i + 1]);
    EXPECT_EQ(got.pixels[i], got.pixels[i + 2]);
  }
  // Luma of pure black/white corners survives.
  EXPECT_LE(got.pixels[0], 1);
}

TEST(image_formats, jpeg_decodes_closely) {
  const mv::rgb_image src = gradient(64, 48);
  const auto bytes = encode("mjpeg", AV_PIX_FMT_YUVJ420P, src);
  ASSERT_FALSE(bytes.empty());
  const mv::rgb_image got = mv::decode_image(bytes, mv::media_limits{});
  ASSERT_EQ(got.width, 64);
  ASSERT_EQ(got.height, 48);
  EXPECT_LT(mean_abs_diff(got, src), 4.0);
}

TEST(image_formats, webp_decodes_when_an_encoder_exists) {
  const mv::rgb_image src = gradient(64, 48);
  const auto bytes = encode("libwebp", AV_PIX_FMT_YUV420P, src);
  if (bytes.empty()) GTEST_SKIP() << "no libwebp encoder in this FFmpeg";
  const mv::rgb_image got = mv::decode_image(bytes, mv::media_limits{});
  ASSERT_EQ(got.width, 64);
  EXPECT_LT(mean_abs_diff(got, src), 4.0);
}

}  // namespace
}  // namespace vlserve::testing
