// Bad client media must end in media_error with a message naming the problem, never a crash.
#include <gtest/gtest.h>

#include <random>

#include "model/vision/image_processor.hpp"
#include "model/vision/media_error.hpp"
#include "model/vision/video_processor.hpp"
#include "tests/vision/golden_support.hpp"

namespace vlserve::testing {
namespace {

namespace mv = model::vision;

// Runs `fn`, expects media_error, returns its message.
template <typename Fn>
std::string media_error_of(Fn fn) {
  try {
    fn();
  } catch (const mv::media_error& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("WRONG EXCEPTION TYPE: ") + e.what();
  }
  return "NO EXCEPTION";
}

std::string image_error(const std::vector<uint8_t>& bytes, const mv::media_limits& limits = {}) {
  return media_error_of([&] { mv::preprocess_image(bytes, tiny_processor_config(), limits); });
}

std::string video_error(const std::vector<uint8_t>& bytes, const mv::media_limits& limits = {}) {
  return media_error_of([&] { mv::preprocess_video(bytes, tiny_processor_config(), limits); });
}

std::vector<uint8_t> png() { return read_file_bytes(tiny_dir() + "/media/scene_200x131.png"); }
std::vector<uint8_t> mp4() { return read_file_bytes(tiny_dir() + "/media/clip_120x90_8fps.mp4"); }

TEST(malformed_image, empty) { EXPECT_NE(image_error({}).find("empty"), std::string::npos); }

TEST(malformed_image, random_bytes) {
  std::mt19937 rng(7);
  std::vector<uint8_t> junk(4096);
  for (auto& b : junk) b = static_cast<uint8_t>(rng());
  EXPECT_NE(image_error(junk).find("not a supported image"), std::string::npos) << image_error(junk);
}

TEST(malformed_image, truncated_png) {
  const auto full = png();
  for (size_t keep : {size_t{8}, size_t{40}, full.size() / 2, full.size() - 20}) {
    const std::vector<uint8_t> cut(full.begin(), full.begin() + static_cast<ptrdiff_t>(keep));
    const std::string msg = image_error(cut);
    EXPECT_TRUE(msg.find("corrupt") != std::string::npos || msg.find("truncated") != std::string::npos)
        << keep << " bytes: " << msg;
  }
}

TEST(malformed_image, zero_width_png) {
  auto bytes = png();
  // IHDR data starts at byte 16: width (4 bytes, big endian), then height.
  bytes[16] = bytes[17] = bytes[18] = bytes[19] = 0;
  const std::string msg = image_error(bytes);
  EXPECT_NE(msg.find("image"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("NO EXCEPTION"), std::string::npos);
  EXPECT_EQ(msg.find("WRONG"), std::string::npos);
}

TEST(malformed_image, video_file_is_not_an_image) {
  EXPECT_NE(image_error(mp4()).find("not a supported image"), std::string::npos);
}

TEST(malformed_image, limits_on_bytes_pixels_and_tokens) {
  mv::media_limits small;
  small.max_item_bytes = 100;
  EXPECT_NE(image_error(png(), small).find("above the limit"), std::string::npos);
  mv::media_limits few_pixels;
  few_pixels.max_image_pixels = 200 * 130;  // the PNG is 200x131
  EXPECT_NE(image_error(png(), few_pixels).find("limit of 26000 pixels"), std::string::npos) << image_error(png(), few_pixels);
  mv::media_limits few_tokens;
  few_tokens.max_item_tokens = 69;  // the PNG needs 70
  EXPECT_NE(image_error(png(), few_tokens).find("vision tokens"), std::string::npos);
}

TEST(malformed_video, empty_and_random) {
  EXPECT_NE(video_error({}).find("empty"), std::string::npos);
  std::vector<uint8_t> junk(8192);
  std::mt19937 rng(11);
  for (auto& b : junk) b = static_cast<uint8_t>(rng());
  EXPECT_NE(video_error(junk).find("not in a supported format"), std::string::npos) << video_error(junk);
}

TEST(malformed_video, image_is_not_a_video) {
  EXPECT_NE(video_error(png()).find("not in a supported format"), std::string::npos) << video_error(png());
}

TEST(malformed_video, truncated_mp4) {
  const auto full = mp4();
  for (size_t keep : {size_t{16}, size_t{600}, full.size() / 2}) {
    const std::vector<uint8_t> cut(full.begin(), full.begin() + static_cast<ptrdiff_t>(keep));
    const std::string msg = video_error(cut);
    EXPECT_EQ(msg.find("NO EXCEPTION"), std::string::npos) << keep;
    EXPECT_EQ(msg.find("WRONG"), std::string::npos) << keep << ": " << msg;
  }
}

TEST(malformed_video, no_decodable_frames) {
  // Keep the container intact but zero the media data: every packet fails to decode.
  auto bytes = mp4();
  const std::string tag = "mdat";
  auto at = std::search(bytes.begin(), bytes.end(), tag.begin(), tag.end());
  ASSERT_NE(at, bytes.end());
  const size_t start = static_cast<size_t>(at - bytes.begin()) - 4;
  const uint32_t size = (uint32_t(bytes[start]) << 24) | (uint32_t(bytes[start + 1]) << 16) |
                        (uint32_t(bytes[start + 2]) << 8) | bytes[start + 3];
  ASSERT_LE(start + size, bytes.size());
  std::fill(bytes.begin() + static_cast<ptrdiff_t>(start + 8), bytes.begin() + static_cast<ptrdiff_t>(start + size), 0);
  const std::string msg = video_error(bytes);
  EXPECT_NE(msg.find("frame"), std::string::npos) << msg;
}

TEST(malformed_video, limits_on_frames_and_tokens) {
  mv::media_limits few_frames;
  few_frames.max_source_frames = 10;  // the clip has 24
  EXPECT_NE(video_error(mp4(), few_frames).find("more than 10 frames"), std::string::npos);
  mv::media_limits few_tokens;
  few_tokens.max_item_tokens = 35;  // the clip needs 36
  EXPECT_NE(video_error(mp4(), few_tokens).find("vision tokens"), std::string::npos);
}

}  // namespace
}  // namespace vlserve::testing
