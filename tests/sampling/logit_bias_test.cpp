// logit_bias and the token mask on tiny vocabularies: -100 bans, +100 wins, the mask limits the
// draw, logprobs are read after both, and bad ids are errors rather than crashes.
#include <gtest/gtest.h>

#include <set>

#include "model/sampling/sampler.hpp"

using namespace vlserve::model;

namespace {

const token_history no_history{};
const std::vector<float> flat(8, 0.0f);

std::set<std::int32_t> support(const std::vector<float>& logits, const sampling_params& p,
                               const token_mask* mask = nullptr) {
  std::set<std::int32_t> ids;
  sampler_workspace ws;
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    rng_state rng(seed);
    ids.insert(sample_token(logits, p, no_history, rng, ws, mask).token);
  }
  return ids;
}

}  // namespace

TEST(LogitBias, MinusHundredNeverDrawsTheToken) {
  sampling_params p;
  p.temperature = 1.0f;
  p.logit_bias = {{3, -100.0f}};
  EXPECT_EQ(support(flat, p).count(3), 0u);
  EXPECT_EQ(support(flat, p).size(), 7u);
  p.temperature = 0.0f;
  p.logit_bias = {{0, -100.0f}};
  rng_state rng(1);
  EXPECT_EQ(sample_token(std::vector<float>{5, 1, 0}, p, no_history, rng).token, 1);
}

TEST(LogitBias, PlusHundredAlwaysDrawsTheToken) {
  sampling_params p;
  p.temperature = 1.0f;
  p.logit_bias = {{6, 100.0f}};
  EXPECT_EQ(support(flat, p), (std::set<std::int32_t>{6}));
}

TEST(LogitBias, LogprobsAreReadAfterTheBias) {
  sampling_params p;
  p.temperature = 0.0f;
  p.logprobs = true;
  p.logit_bias = {{1, -100.0f}};
  rng_state rng(1);
  const auto t = sample_token(std::vector<float>{0.0f, 0.0f}, p, no_history, rng);
  EXPECT_EQ(t.token, 0);
  EXPECT_NEAR(*t.logprob, 0.0f, 1e-6);  // the banned token holds no probability mass
}

TEST(LogitBias, AnIdOutsideTheLogitsIsAnError) {
  sampling_params p;
  p.logit_bias = {{8, 1.0f}};
  rng_state rng(1);
  EXPECT_THROW(sample_token(flat, p, no_history, rng), std::invalid_argument);
  p.logit_bias = {{1, 101.0f}};
  EXPECT_THROW(sample_token(flat, p, no_history, rng), std::invalid_argument);
}

TEST(TokenMask, OnlyAllowedIdsAreDrawn) {
  sampling_params p;
  p.temperature = 1.0f;
  token_mask mask;
  mask.reset(8);
  mask.allow(2);
  mask.allow(5);
  EXPECT_EQ(mask.count(), 2u);
  EXPECT_EQ(support(flat, p, &mask), (std::set<std::int32_t>{2, 5}));
  p.logit_bias = {{2, -100.0f}, {5, -100.0f}};
  rng_state rng(1);
  sampler_workspace ws;
  EXPECT_THROW(sample_token(flat, p, no_history, rng, ws, &mask), std::invalid_argument);
}
