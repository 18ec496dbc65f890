#include <gtest/gtest.h>

#include <limits>

#include "model/serving/prefill_pacer.hpp"

using namespace vlserve::model;

TEST(PrefillPacer, NobodyDecodingGetsTheWholeChunk) {
  prefill_pacer p;
  EXPECT_EQ(p.budget(false, 512), 512);
  p.observe(0.2, 1, 0);
  p.observe(5.0, 1, 100);
  EXPECT_EQ(p.budget(false, 512), 512);
}

TEST(PrefillPacer, StartsSmallUntilItHasTimedAPrompt) {
  prefill_pacer p;
  EXPECT_EQ(p.budget(true, 512), prefill_pacer::kFirstChunk);
  EXPECT_EQ(p.budget(true, 8), 8);
}

TEST(PrefillPacer, AStepWithDecodersTakesAtMostTwiceADecodeStep) {
  // 2B on an AVX2 CPU: a decode step of 170 ms, each prompt row adds ~28 ms.
  prefill_pacer p;
  for (int i = 0; i < 20; ++i) p.observe(0.170, 1, 0);
  for (int i = 0; i < 20; ++i) p.observe(0.170 + 8 * 0.028, 1, 8);
  const int64_t k = p.budget(true, 512);
  EXPECT_EQ(k, 6);  // floor(0.170 / 0.028)
  EXPECT_LE(0.170 + double(k) * 0.028, 2 * 0.170 + 1e-9);
}

TEST(PrefillPacer, FollowsTheCostWhenPromptRowsGetDearer) {
  // Later chunks of a long prompt attend over more keys: the budget shrinks with them.
  prefill_pacer p;
  for (int i = 0; i < 20; ++i) p.observe(0.1, 2, 0);
  for (int i = 0; i < 20; ++i) p.observe(0.1 + 10 * 0.001, 2, 10);
  const int64_t cheap = p.budget(true, 4096);
  for (int i = 0; i < 20; ++i) p.observe(0.1 + 10 * 0.01, 2, 10);
  const int64_t dear = p.budget(true, 4096);
  EXPECT_GT(cheap, dear);
  EXPECT_EQ(dear, 10);
}

TEST(PrefillPacer, NeverBelowOneNorAboveTheChunk) {
  prefill_pacer p;
  p.observe(0.01, 1, 0);
  p.observe(50.0, 1, 1);  // a prompt row far dearer than a decode step
  EXPECT_EQ(p.budget(true, 512), 1);
  prefill_pacer q;
  q.observe(1.0, 1, 0);
  q.observe(1.0, 1, 1000);  // prompt rows free
  EXPECT_EQ(q.budget(true, 512), 512);
}

TEST(PrefillPacer, IgnoresNonsenseTimings) {
  prefill_pacer p;
  p.observe(-1.0, 1, 0);
  p.observe(std::numeric_limits<double>::quiet_NaN(), 1, 5);
  EXPECT_EQ(p.decode_step_seconds(), 0.0);
  EXPECT_EQ(p.seconds_per_prompt_token(), 0.0);
}
