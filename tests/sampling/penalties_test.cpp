// Penalties on a four-token vocabulary, expected values worked out by hand.
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "model/sampling/penalties.hpp"

using namespace vlserve::model;

namespace {

std::vector<float> penalised(std::vector<float> logits, const sampling_params& p, std::vector<std::int32_t> prompt,
                             std::vector<std::int32_t> generated) {
  std::vector<bool> seen;
  apply_penalties(logits, p, token_history{prompt, generated}, seen);
  for (const bool b : seen) EXPECT_FALSE(b) << "scratch marks must be cleared";
  return logits;
}

}  // namespace

TEST(Penalties, RepetitionDividesPositiveAndMultipliesNegativeOncePerDistinctToken) {
  sampling_params p;
  p.repetition_penalty = 2.0f;
  // Ids 0, 1, 3 were seen (3 twice, 1 in both prompt and output); each is penalised once.
  const auto out = penalised({2.0f, -1.0f, 0.5f, 4.0f}, p, {0, 1}, {1, 3, 3});
  EXPECT_FLOAT_EQ(out[0], 1.0f);
  EXPECT_FLOAT_EQ(out[1], -2.0f);
  EXPECT_FLOAT_EQ(out[2], 0.5f);
  EXPECT_FLOAT_EQ(out[3], 2.0f);
}

TEST(Penalties, RepetitionBelowOneBoostsSeenTokens) {
  sampling_params p;
  p.repetition_penalty = 0.5f;
  const auto out = penalised({2.0f, -1.0f, 0.0f}, p, {}, {0, 1, 2});
  EXPECT_FLOAT_EQ(out[0], 4.0f);
  EXPECT_FLOAT_EQ(out[1], -0.5f);
  EXPECT_FLOAT_EQ(out[2], 0.0f);
}

TEST(Penalties, FrequencyAndPresenceCountGeneratedTokensOnly) {
  sampling_params p;
  p.frequency_penalty = 0.5f;
  p.presence_penalty = 0.25f;
  // Prompt id 0 is not penalised; id 1 once: -0.5-0.25; id 3 twice: -1.0-0.25.
  const auto out = penalised({2.0f, -1.0f, 0.5f, 4.0f}, p, {0, 0, 0}, {1, 3, 3});
  EXPECT_FLOAT_EQ(out[0], 2.0f);
  EXPECT_FLOAT_EQ(out[1], -1.75f);
  EXPECT_FLOAT_EQ(out[2], 0.5f);
  EXPECT_FLOAT_EQ(out[3], 2.75f);
}

TEST(Penalties, RepetitionComesBeforeFrequencyAndPresence) {
  sampling_params p;
  p.repetition_penalty = 2.0f;
  p.frequency_penalty = 0.5f;
  p.presence_penalty = 0.25f;
  // id 3: 4 / 2 = 2, then - 2 * 0.5 - 0.25 = 0.75 (the other order would give 1.375).
  const auto out = penalised({2.0f, -1.0f, 0.5f, 4.0f}, p, {0, 1}, {1, 3, 3});
  EXPECT_FLOAT_EQ(out[0], 1.0f);
  EXPECT_FLOAT_EQ(out[1], -2.75f);
  EXPECT_FLOAT_EQ(out[3], 0.75f);
}

TEST(Penalties, NegativePresencePenaltyEncouragesRepeats) {
  sampling_params p;
  p.presence_penalty = -1.0f;
  const auto out = penalised({0.0f, 0.0f}, p, {}, {1, 1, 1});
  EXPECT_FLOAT_EQ(out[0], 0.0f);
  EXPECT_FLOAT_EQ(out[1], 1.0f);
}

TEST(Penalties, NoPenaltiesLeaveLogitsUntouchedEvenWithBadIds) {
  const sampling_params p;
  EXPECT_FALSE(has_penalties(p));
  const auto out = penalised({1.0f, 2.0f}, p, {99}, {-1});
  EXPECT_EQ(out, (std::vector<float>{1.0f, 2.0f}));
}

TEST(Penalties, OutOfVocabularyIdsAreRejectedWithTheId) {
  sampling_params p;
  p.repetition_penalty = 1.1f;
  std::vector<float> logits{1.0f, 2.0f};
  std::vector<bool> seen;
  const std::vector<std::int32_t> prompt{0, 2};
  try {
    apply_penalties(logits, p, token_history{prompt, {}}, seen);
    FAIL() << "expected an exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "prompt token id 2 is outside the vocabulary [0, 2)");
  }
  const std::vector<std::int32_t> generated{-3};
  EXPECT_THROW(apply_penalties(logits, p, token_history{{}, generated}, seen), std::invalid_argument);
}
