// build_prompt on each multimodal fixture request (base64 data URLs, parsed by http/): the
// processor tensors, the expanded prompt's ids, M-RoPE positions and rope_delta equal the
// reference's, and the injection covers exactly the pad tokens.
#include <gtest/gtest.h>

#include <cmath>

#include "model/text/visual_injection.hpp"
#include "tests/text/text_case.hpp"
#include "tests/vision_tower/mm_case.hpp"
#include "tests/vision_tower/prompt_support.hpp"

using namespace vlserve::model;
using namespace vlserve::testing;

namespace {

std::vector<int64_t> flat(const std::vector<vision::grid_thw>& grids) {
  std::vector<int64_t> v;
  for (const auto& g : grids) v.insert(v.end(), {g.t, g.h, g.w});
  return v;
}

void expect_close(const std::vector<float>& got, const std::vector<float>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  float worst = 0;
  for (size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::fabs(got[i] - want[i]));
  EXPECT_LE(worst, 1e-5f) << what;
}

}  // namespace

TEST(MultimodalPrompt, MatchesTheReferenceProcessorAndRopeIndex) {
  for (const auto& name : mm_case_names()) {
    SCOPED_TRACE(name);
    const mm_case c = load_mm_case(name);
    const built_prompt p = build_prompt(c.request, tiny_tokenizer(), tiny_prompt_defaults());
    EXPECT_EQ(p.image_grid_thw, flat(c.images.grids));
    EXPECT_EQ(p.video_grid_thw, flat(c.videos.grids));
    expect_close(p.pixel_values, c.images.pixel_values, "pixel_values");
    expect_close(p.pixel_values_videos, c.videos.pixel_values, "pixel_values_videos");
    EXPECT_EQ(std::vector<int64_t>(p.input.prompt_ids.begin(), p.input.prompt_ids.end()), c.input_ids);
    EXPECT_EQ(p.input.positions, c.position_ids);
    EXPECT_EQ(p.input.rope_delta, c.rope_delta);

    ASSERT_TRUE(p.input.visual);
    int64_t pads = 0;
    for (auto id : c.input_ids) pads += id == 151655 || id == 151656;
    EXPECT_EQ(int64_t(p.input.visual->rows.size()), pads);
    EXPECT_EQ(p.input.visual->embeddings.size(0), pads);
    EXPECT_EQ(p.input.visual->deepstack.size(), 3u);
  }
}

TEST(MultimodalPrompt, TextOnlyRequestsKeepTextPositions) {
  chat_request r;
  chat_message m;
  m.content = std::string("hello");
  r.messages.push_back(m);
  const built_prompt p = build_prompt(r, tiny_tokenizer(), tiny_prompt_defaults());
  EXPECT_TRUE(p.input.positions.empty());
  EXPECT_FALSE(p.input.visual);
  EXPECT_TRUE(p.pixel_values.empty());
}
