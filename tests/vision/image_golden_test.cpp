// Image preprocessing against the reference's goldens (Qwen2VLImageProcessorFast): resized
// uint8 image, pixel_values, grid and pad-token count for every fixture image.
#include <gtest/gtest.h>

#include "model/vision/image_processor.hpp"
#include "tests/vision/golden_support.hpp"

namespace vlserve::testing {
namespace {

namespace mv = model::vision;

class image_golden : public ::testing::TestWithParam<std::string> {};

TEST_P(image_golden, matches_reference) {
  const std::string name = GetParam();
  const auto meta = read_json(tiny_dir() + "/preprocess/" + name + ".json");
  const auto golden = read_safetensors(tiny_dir() + "/preprocess/" + name + ".safetensors");
  const auto bytes = read_file_bytes(tiny_dir() + "/media/" + name);

  const mv::processed_image out = mv::preprocess_image(bytes, tiny_processor_config(), mv::media_limits{});

  const int64_t h = meta["resized_hw"][0].GetInt64(), w = meta["resized_hw"][1].GetInt64();
  ASSERT_EQ(out.resized.height, h);
  ASSERT_EQ(out.resized.width, w);
  const auto grid = as_int64(golden.at("image_grid_thw"));
  ASSERT_EQ(grid.size(), 3u);
  EXPECT_EQ(out.patches.grid.t, grid[0]);
  EXPECT_EQ(out.patches.grid.h, grid[1]);
  EXPECT_EQ(out.patches.grid.w, grid[2]);
  EXPECT_EQ(out.pad_tokens, meta["num_llm_tokens"].GetInt64());

  const u8_diff d = compare_hwc_to_chw(out.resized.pixels, golden.at("resized_uint8").bytes, 1, h, w);
  EXPECT_EQ(d.mismatches, 0) << "max abs " << d.max_abs;

  const auto& codes = golden.at("pixel_values_u8");
  ASSERT_EQ(codes.shape, (std::vector<int64_t>{out.patches.grid.patches(), 1536}));
  EXPECT_LE(max_abs_vs_codes(out.patches.values, codes.bytes), 1e-5);
}

INSTANTIATE_TEST_SUITE_P(fixtures, image_golden,
                         ::testing::Values("scene_200x131.png", "chart_160x96.png", "portrait_96x180.png",
                                           "rgba_64x48.png"),
                         [](const auto& info) {
                           std::string s = info.param;
                           for (char& c : s)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return s;
                         });

}  // namespace
}  // namespace vlserve::testing
