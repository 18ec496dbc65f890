// The vision tower in float32 against the reference's image_embeds / video_embeds and deepstack
// features, fed the reference's own pixel_values (so only the tower is under test).
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

#include "model/vision/tower/vision_features.hpp"
#include "model/vision/tower/vision_tower.hpp"
#include "tests/text/text_case.hpp"
#include "tests/vision_tower/mm_case.hpp"

using namespace vlserve::model::vision;
using namespace vlserve::testing;

namespace {

// Worst |ours - reference| relative to the reference's largest magnitude.
double relative_error(const at::Tensor& ours, const std::vector<float>& want) {
  const at::Tensor got = ours.to(at::kFloat).contiguous();
  EXPECT_EQ(size_t(got.numel()), want.size());
  if (size_t(got.numel()) != want.size()) return 1e9;
  const at::Tensor ref = at::from_blob(const_cast<float*>(want.data()), {got.numel()}, at::kFloat);
  return (got.flatten() - ref).abs().max().item<double>() / ref.abs().max().item<double>();
}

// Float32 everywhere; the reference ran Conv3d where we run one GEMM, and OpenBLAS blocks the
// products differently, so values differ in the last bits. Measured: at most 2.3e-6 of the largest
// magnitude over all cases and outputs. 2e-5 leaves 10x headroom and still catches any wrong
// ordering, rotary half, interpolation or norm placement (those give errors of order 1e-2..1).
constexpr double k_tolerance = 2e-5;

// Returns whether the case had this kind (images or videos) to compare.
bool check_kind(const vision_tower& tower, const tower_golden& g, const std::string& what) {
  if (g.empty()) return false;
  const vision_features f = tower.encode(g.pixel_values, g.grids);
  EXPECT_LT(relative_error(f.embeds, g.embeds), k_tolerance) << what << " embeds";
  EXPECT_EQ(f.deepstack.size(), g.deepstack.size()) << what;
  if (f.deepstack.size() != g.deepstack.size()) return true;
  for (size_t k = 0; k < g.deepstack.size(); ++k)
    EXPECT_LT(relative_error(f.deepstack[k], g.deepstack[k]), k_tolerance) << what << " deepstack " << k;
  return true;
}

}  // namespace

TEST(VisionTower, MatchesTheReferenceForEveryMultimodalCase) {
  const vision_tower tower(tiny_model_dir(), tower_options{});
  int compared = 0;
  for (const auto& name : mm_case_names()) {
    const mm_case c = load_mm_case(name);
    const bool images = check_kind(tower, c.images, name + " images");
    const bool videos = check_kind(tower, c.videos, name + " videos");
    EXPECT_TRUE(images || videos) << name << " has no vision golden to compare";
    compared += int(images) + int(videos);
  }
  // image_single, image_two, video_single: one kind each; image_and_video: both.
  EXPECT_GE(compared, 5);
}

TEST(VisionTower, Bfloat16StaysCloseToFloat32) {
  const mm_case c = load_mm_case("image_two");
  const vision_tower f32(tiny_model_dir(), tower_options{});
  const vision_tower bf16(tiny_model_dir(), tower_options{"cpu", "bfloat16", ""});
  EXPECT_EQ(bf16.dtype(), "bfloat16");
  const auto a = f32.encode(c.images.pixel_values, c.images.grids);
  const auto b = bf16.encode(c.images.pixel_values, c.images.grids);
  EXPECT_EQ(b.embeds.scalar_type(), at::kBFloat16);
  // bf16 keeps 8 bits of mantissa; four blocks of it land within a few percent of float32.
  const double err = (a.embeds - b.embeds.to(at::kFloat)).abs().max().item<double>() /
                     a.embeds.abs().max().item<double>();
  EXPECT_LT(err, 0.1);
}

// VISION_DTYPE=float32 under a bfloat16 engine: the tower computes in float32 and hands its
// features over in the engine's dtype — the float32 features rounded once, deepstack too.
TEST(VisionTower, ComputesInItsDtypeAndReturnsTheOutputDtype) {
  const mm_case c = load_mm_case("image_two");
  const vision_tower f32(tiny_model_dir(), tower_options{});
  const vision_tower mixed(tiny_model_dir(), tower_options{"cpu", "float32", "bfloat16"});
  EXPECT_EQ(mixed.dtype(), "float32");
  const auto a = f32.encode(c.images.pixel_values, c.images.grids);
  const auto b = mixed.encode(c.images.pixel_values, c.images.grids);
  ASSERT_EQ(b.embeds.scalar_type(), at::kBFloat16);
  EXPECT_TRUE(at::equal(b.embeds, a.embeds.to(at::kBFloat16)));
  ASSERT_EQ(b.deepstack.size(), a.deepstack.size());
  ASSERT_FALSE(b.deepstack.empty());
  for (size_t i = 0; i < a.deepstack.size(); ++i) {
    EXPECT_EQ(b.deepstack[i].scalar_type(), at::kBFloat16);
    EXPECT_TRUE(at::equal(b.deepstack[i], a.deepstack[i].to(at::kBFloat16))) << "deepstack " << i;
  }
}

TEST(VisionTower, RejectsInputThatDisagreesWithTheGrids) {
  const vision_tower tower(tiny_model_dir(), tower_options{});
  const std::vector<float> pixels(size_t(4 * 1536), 0.f);
  EXPECT_THROW(tower.encode(pixels, {{1, 4, 4}}), std::invalid_argument);  // needs 16 rows
  EXPECT_THROW(tower.encode(pixels, {{1, 1, 4}}), std::invalid_argument);  // h not a multiple of 2
  EXPECT_THROW(tower.encode(pixels, {}), std::invalid_argument);
}
