// sample_token on tiny vocabularies: greedy, which tokens each filter allows (worked out by hand),
// logprobs from the raw logits, seeds, and the errors bad input produces.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>
#include <vector>

#include "model/sampling/sampler.hpp"

using namespace vlserve::model;

namespace {

const token_history no_history{};

// Which ids 400 draws (each from its own seed) produce.
std::set<std::int32_t> support(const std::vector<float>& logits, const sampling_params& p) {
  std::set<std::int32_t> ids;
  for (std::uint64_t seed = 0; seed < 400; ++seed) {
    rng_state rng(seed);
    ids.insert(sample_token(logits, p, no_history, rng).token);
  }
  return ids;
}

sampling_params random_params() {
  sampling_params p;
  p.temperature = 1.0f;
  return p;
}

}  // namespace

TEST(Sampler, GreedyPicksArgmaxAndLowestIdOnTies) {
  sampling_params p;
  p.temperature = 0.0f;
  rng_state rng(1);
  const auto before = rng.state();
  EXPECT_EQ(sample_token(std::vector<float>{1.0f, 3.0f, 2.0f, 3.0f}, p, no_history, rng).token, 1);
  EXPECT_EQ(rng.state(), before) << "greedy must not consume random numbers";
  p.temperature = 0.8f;
  p.top_k = 1;
  EXPECT_EQ(sample_token(std::vector<float>{0.0f, -1.0f, 5.0f}, p, no_history, rng).token, 2);
}

TEST(Sampler, GreedySeesPenalisedLogits) {
  sampling_params p;
  p.temperature = 0.0f;
  p.repetition_penalty = 2.0f;
  const std::vector<std::int32_t> prompt{1};
  rng_state rng(1);
  // id 1: 3 / 2 = 1.5 < 2, so id 2 wins.
  EXPECT_EQ(sample_token(std::vector<float>{0.0f, 3.0f, 2.0f}, p, token_history{prompt, {}}, rng).token, 2);
}

TEST(Sampler, TopKLimitsTheSupport) {
  sampling_params p = random_params();
  p.top_k = 2;
  EXPECT_EQ(support({2.0f, 1.0f, 0.0f, 1.5f}, p), (std::set<std::int32_t>{0, 3}));
}

TEST(Sampler, TopPKeepsTheTokenThatCrossesTheThreshold) {
  // probabilities {0.665, 0.245, 0.090}
  const std::vector<float> logits{2.0f, 1.0f, 0.0f};
  sampling_params p = random_params();
  p.top_p = 0.7f;
  EXPECT_EQ(support(logits, p), (std::set<std::int32_t>{0, 1}));
  p.top_p = 0.6f;
  EXPECT_EQ(support(logits, p), (std::set<std::int32_t>{0}));
  p.top_p = 0.95f;
  EXPECT_EQ(support(logits, p), (std::set<std::int32_t>{0, 1, 2}));
}

TEST(Sampler, TopPIsMeasuredOverTheTopKSurvivors) {
  // After top_k 2 the probabilities are {0.731, 0.269}: top_p 0.7 keeps id 0 alone, whereas
  // over the full vocabulary (0.665 < 0.7) it would keep ids 0 and 1.
  sampling_params p = random_params();
  p.top_k = 2;
  p.top_p = 0.7f;
  EXPECT_EQ(support({2.0f, 1.0f, 0.0f}, p), (std::set<std::int32_t>{0}));
}

TEST(Sampler, MinPIsRelativeToTheMostLikelyToken) {
  // relative weights {1, 0.368, 0.135}
  const std::vector<float> logits{2.0f, 1.0f, 0.0f};
  sampling_params p = random_params();
  p.min_p = 0.3f;
  EXPECT_EQ(support(logits, p), (std::set<std::int32_t>{0, 1}));
  p.min_p = 0.4f;
  EXPECT_EQ(support(logits, p), (std::set<std::int32_t>{0}));
  p.min_p = 0.1f;
  p.top_k = 3;  // also through the ranked path
  EXPECT_EQ(support(logits, p), (std::set<std::int32_t>{0, 1, 2}));
}

TEST(Sampler, MaskedTokensAreNeverDrawn) {
  const float ninf = -std::numeric_limits<float>::infinity();
  sampling_params p = random_params();
  EXPECT_EQ(support({ninf, 0.0f, ninf, 0.0f}, p), (std::set<std::int32_t>{1, 3}));
  p.top_k = 3;
  EXPECT_EQ(support({ninf, 0.0f, ninf, 0.0f}, p), (std::set<std::int32_t>{1, 3}));
}

TEST(Sampler, LogprobsComeFromRawLogits) {
  // probabilities {0.1, 0.2, 0.3, 0.4}; penalties and temperature do not change what is reported.
  const std::vector<float> logits{std::log(1.0f), std::log(2.0f), std::log(3.0f), std::log(4.0f)};
  sampling_params p;
  p.temperature = 0.0f;
  p.repetition_penalty = 100.0f;
  p.logprobs = true;
  p.top_logprobs = 2;
  const std::vector<std::int32_t> prompt{3};
  rng_state rng(1);
  const sampled_token t = sample_token(logits, p, token_history{prompt, {}}, rng);
  EXPECT_EQ(t.token, 2);  // id 3 penalised: log(4) / 100
  ASSERT_TRUE(t.logprob.has_value());
  EXPECT_NEAR(*t.logprob, std::log(0.3), 1e-6);
  ASSERT_EQ(t.top_logprobs.size(), 2u);
  EXPECT_EQ(t.top_logprobs[0].token, 3);
  EXPECT_NEAR(t.top_logprobs[0].logprob, std::log(0.4), 1e-6);
  EXPECT_EQ(t.top_logprobs[1].token, 2);
  EXPECT_NEAR(t.top_logprobs[1].logprob, std::log(0.3), 1e-6);
}

TEST(Sampler, NoLogprobsUnlessAsked) {
  rng_state rng(1);
  const sampled_token t = sample_token(std::vector<float>{0.0f, 1.0f}, random_params(), no_history, rng);
  EXPECT_FALSE(t.logprob.has_value());
  EXPECT_TRUE(t.top_logprobs.empty());
}

TEST(Sampler, SameSeedSameTokensDifferentSeedsDiffer) {
  std::vector<float> logits(1000);
  rng_state fill(99);
  for (float& x : logits) x = static_cast<float>(fill.next_unit() * 4.0);
  sampling_params p = thinking_defaults();
  p.top_k = 0;
  auto run = [&](std::uint64_t seed) {
    rng_state rng(seed);
    sampler_workspace ws;
    std::vector<std::int32_t> out;
    for (int i = 0; i < 50; ++i) out.push_back(sample_token(logits, p, no_history, rng, ws).token);
    return out;
  };
  const std::vector<std::int32_t> first = run(7);
  EXPECT_EQ(first, run(7));
  EXPECT_NE(first, run(8));
  EXPECT_GT(std::set<std::int32_t>(first.begin(), first.end()).size(), 20u);
}

TEST(Sampler, TopPWithoutTopKOnAFlatLargeVocabulary) {
  // 5000 equal logits, top_p 0.5: the nucleus is the 2500 lowest ids (ties rank by id), which
  // takes the selection through its larger rounds.
  const std::vector<float> logits(5000, 0.25f);
  sampling_params p = random_params();
  p.top_p = 0.5f;
  std::int32_t highest = 0;
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    rng_state rng(seed);
    highest = std::max(highest, sample_token(logits, p, no_history, rng).token);
  }
  EXPECT_LE(highest, 2500);
  EXPECT_GT(highest, 2000);
}

TEST(Sampler, BadInputThrowsClearErrors) {
  rng_state rng(1);
  const sampling_params p = random_params();
  EXPECT_THROW(sample_token(std::vector<float>{}, p, no_history, rng), std::invalid_argument);
  try {
    sample_token(std::vector<float>{0.0f, NAN}, p, no_history, rng);
    FAIL() << "expected an exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("logit 1 is NaN"), std::string::npos) << e.what();
  }
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_THROW(sample_token(std::vector<float>{inf, 0.0f}, p, no_history, rng), std::invalid_argument);
  EXPECT_THROW(sample_token(std::vector<float>{-inf, -inf}, p, no_history, rng), std::invalid_argument);
  sampling_params bad = p;
  bad.top_p = 2.0f;
  EXPECT_THROW(sample_token(std::vector<float>{0.0f}, bad, no_history, rng), std::invalid_argument);
  sampling_params penalised = p;
  penalised.presence_penalty = 1.0f;
  const std::vector<std::int32_t> generated{5};
  EXPECT_THROW(sample_token(std::vector<float>{0.0f, 1.0f}, penalised, token_history{{}, generated}, rng),
               std::invalid_argument);
}
