// The vision feature cache through build_prompt on the multimodal fixture requests: the same
// request again takes its features from the cache (the tower is not run: one miss per call, then
// hits) and gets exactly the same injection; the byte bound holds; other pixels miss.
#include <gtest/gtest.h>

#include "model/text/visual_injection.hpp"
#include "model/vision/tower/feature_cache.hpp"
#include "model/vision/tower/vision_features.hpp"
#include "tests/vision_tower/mm_case.hpp"
#include "tests/vision_tower/prompt_support.hpp"

using namespace vlserve::model;
using namespace vlserve::testing;

TEST(VisionFeatureCache, ARepeatedRequestSkipsTheTowerAndGetsTheSameFeatures) {
  for (const auto& name : mm_case_names()) {
    SCOPED_TRACE(name);
    const mm_case c = load_mm_case(name);
    prompt_defaults d = tiny_prompt_defaults();
    d.vision_cache = std::make_shared<vision::feature_cache>(64 << 20);
    const built_prompt cold = build_prompt(c.request, tiny_tokenizer(), d);
    const vision::feature_cache_stats first = d.vision_cache->stats();
    EXPECT_EQ(first.hits, 0);
    EXPECT_GE(first.misses, 1);  // one tower call (and entry) per image and per video
    EXPECT_GT(first.bytes, 0);
    const built_prompt warm = build_prompt(c.request, tiny_tokenizer(), d);
    const vision::feature_cache_stats second = d.vision_cache->stats();
    EXPECT_EQ(second.hits, first.misses) << "every tower call of the repeat is a hit";
    EXPECT_EQ(second.misses, first.misses);
    ASSERT_TRUE(cold.input.visual && warm.input.visual);
    EXPECT_EQ(warm.input.visual->rows, cold.input.visual->rows);
    EXPECT_TRUE(at::equal(warm.input.visual->embeddings, cold.input.visual->embeddings));
    for (size_t k = 0; k < cold.input.visual->deepstack.size(); ++k)
      EXPECT_TRUE(at::equal(warm.input.visual->deepstack[k], cold.input.visual->deepstack[k]));
  }
}

TEST(VisionFeatureCache, KeysFollowPixelsAndGridsAndTheBoundHolds) {
  const std::vector<float> a(64, 0.5f);
  std::vector<float> b = a;
  b[63] = 0.25f;
  const std::vector<vision::grid_thw> g1 = {{1, 2, 2}}, g2 = {{1, 4, 1}};
  EXPECT_EQ(vision::feature_cache::key_of(a, g1), vision::feature_cache::key_of(a, g1));
  EXPECT_NE(vision::feature_cache::key_of(a, g1), vision::feature_cache::key_of(b, g1));
  EXPECT_NE(vision::feature_cache::key_of(a, g1), vision::feature_cache::key_of(a, g2));

  vision::vision_features f;
  f.embeds = at::zeros({4, 16});  // 256 bytes
  vision::feature_cache cache(600);  // room for two such entries
  for (uint64_t key = 1; key <= 3; ++key) cache.insert(key, f);
  EXPECT_EQ(cache.stats().entries, 2);
  EXPECT_LE(cache.stats().bytes, 600);
  vision::vision_features out;
  EXPECT_FALSE(cache.find(1, out)) << "the oldest was evicted";
  EXPECT_TRUE(cache.find(3, out));
}

// With a cache, every image and video is its own tower call and its own entry (so a turn that
// adds an image encodes only that one); the features equal the batched call's.
TEST(VisionFeatureCache, EachItemIsEncodedAndCachedOnItsOwn) {
  for (const std::string name : {"image_two", "image_and_video"}) {
    SCOPED_TRACE(name);
    const mm_case c = load_mm_case(name);
    const built_prompt batched = build_prompt(c.request, tiny_tokenizer(), tiny_prompt_defaults());
    prompt_defaults d = tiny_prompt_defaults();
    d.vision_cache = std::make_shared<vision::feature_cache>(64 << 20);
    const built_prompt per_item = build_prompt(c.request, tiny_tokenizer(), d);
    EXPECT_EQ(d.vision_cache->stats().misses, 2) << "one entry per image or video";
    EXPECT_EQ(d.vision_cache->stats().entries, 2);
    ASSERT_TRUE(batched.input.visual && per_item.input.visual);
    EXPECT_EQ(per_item.input.visual->rows, batched.input.visual->rows);
    EXPECT_TRUE(at::allclose(per_item.input.visual->embeddings, batched.input.visual->embeddings, 1e-4, 1e-5));
    ASSERT_EQ(per_item.input.visual->deepstack.size(), batched.input.visual->deepstack.size());
    for (size_t k = 0; k < batched.input.visual->deepstack.size(); ++k)
      EXPECT_TRUE(at::allclose(per_item.input.visual->deepstack[k], batched.input.visual->deepstack[k], 1e-4, 1e-5));
  }
}
