// Video preprocessing against the reference (Qwen3VLVideoProcessor fed by torchvision/PyAV):
// decoded frames, sampled indices, pixel_values_videos, grid, timestamps and prompt text.
#include <gtest/gtest.h>

#include "model/vision/frame_sampling.hpp"
#include "model/vision/video_decode.hpp"
#include "model/vision/video_processor.hpp"
#include "tests/vision/golden_support.hpp"

namespace vlserve::testing {
namespace {

namespace mv = model::vision;
const std::string clip = "clip_120x90_8fps.mp4";

TEST(video_golden, decoded_sampled_frames_match_pyav_rgb24) {
  const auto golden = read_safetensors(tiny_dir() + "/preprocess/" + clip + ".safetensors");
  const auto bytes = read_file_bytes(tiny_dir() + "/media/" + clip);
  const auto want = as_int64(golden.at("sampled_frame_indices"));
  const mv::decoded_video v = mv::decode_video(
      bytes, mv::media_limits{}, [&](int64_t, double) { return want; },
      [](mv::rgb_image&& f, size_t) { return std::move(f); });
  EXPECT_EQ(v.total_frames, 24);
  EXPECT_DOUBLE_EQ(v.source_fps, 8.0);
  ASSERT_EQ(v.frames.size(), want.size());
  std::vector<uint8_t> hwc;
  for (const auto& f : v.frames) hwc.insert(hwc.end(), f.pixels.begin(), f.pixels.end());
  const u8_diff d = compare_hwc_to_chw(hwc, golden.at("sampled_frames_uint8").bytes,
                                       static_cast<int64_t>(want.size()), 90, 120);
  EXPECT_EQ(d.mismatches, 0) << "max abs " << d.max_abs;
}

TEST(video_golden, preprocess_matches_reference) {
  const auto golden = read_safetensors(tiny_dir() + "/preprocess/" + clip + ".safetensors");
  const auto bytes = read_file_bytes(tiny_dir() + "/media/" + clip);
  const mv::processed_video out = mv::preprocess_video(bytes, tiny_processor_config(), mv::media_limits{});

  EXPECT_EQ(out.frame_indices, as_int64(golden.at("sampled_frame_indices")));
  EXPECT_EQ(out.total_frames, 24);
  const auto grid = as_int64(golden.at("video_grid_thw"));
  EXPECT_EQ((std::vector<int64_t>{out.patches.grid.t, out.patches.grid.h, out.patches.grid.w}), grid);
  const auto& codes = golden.at("pixel_values_videos_u8");
  ASSERT_EQ(codes.shape, (std::vector<int64_t>{out.patches.grid.patches(), 1536}));
  EXPECT_LE(max_abs_vs_codes(out.patches.values, codes.bytes), 1e-5);
  EXPECT_EQ(out.pads_per_group, grid[1] * grid[2] / 4);
  EXPECT_EQ(out.pad_tokens, grid[0] * grid[1] * grid[2] / 4);
}

TEST(video_golden, timestamps_and_prompt_text_match_the_case) {
  const auto meta = read_json(tiny_dir() + "/cases/video_single.json");
  const auto& info = meta["videos"][0];
  const auto bytes = read_file_bytes(tiny_dir() + "/media/" + clip);
  const mv::processed_video out = mv::preprocess_video(bytes, tiny_processor_config(), mv::media_limits{});
  ASSERT_EQ(out.timestamps.size(), info["timestamp_strings"].Size());
  for (unsigned i = 0; i < out.timestamps.size(); ++i) {
    EXPECT_DOUBLE_EQ(out.timestamps[i], info["timestamps_seconds"][i].GetDouble());
    EXPECT_EQ(mv::timestamp_text(out.timestamps[i]), info["timestamp_strings"][i].GetString());
  }
  // The expanded prompt of the case contains exactly the text built for the video.
  const std::string expanded = meta["expanded_prompt"].GetString();
  EXPECT_NE(expanded.find(mv::video_prompt_text(out)), std::string::npos);
}

}  // namespace
}  // namespace vlserve::testing
