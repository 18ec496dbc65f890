// Validation names the offending field; the defaults are the spec's §9 values.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "model/sampling/sampling_params.hpp"
#include "model/sampling/stop_conditions.hpp"

using namespace vlserve::model;

namespace {

std::string problem(const sampling_params& p) { return find_invalid(p).value_or(""); }

}  // namespace

TEST(SamplingParams, DefaultsAndThinkingDefaultsAreValid) {
  EXPECT_EQ(find_invalid(sampling_params{}), std::nullopt);
  const sampling_params t = thinking_defaults();
  EXPECT_EQ(find_invalid(t), std::nullopt);
  EXPECT_FLOAT_EQ(t.temperature, 1.0f);
  EXPECT_FLOAT_EQ(t.top_p, 0.95f);
  EXPECT_EQ(t.top_k, 20);
  EXPECT_FLOAT_EQ(t.repetition_penalty, 1.0f);
}

TEST(SamplingParams, EachOutOfRangeFieldIsNamed) {
  sampling_params p;
  p.temperature = -0.5f;
  EXPECT_NE(problem(p).find("temperature"), std::string::npos) << problem(p);
  p = {};
  p.temperature = NAN;
  EXPECT_NE(problem(p).find("got nan"), std::string::npos) << problem(p);
  p = {};
  p.top_k = -1;
  EXPECT_NE(problem(p).find("top_k must be >= 0 (0 disables it) (got -1)"), std::string::npos) << problem(p);
  p = {};
  p.top_p = 0.0f;
  EXPECT_NE(problem(p).find("top_p"), std::string::npos);
  p.top_p = 1.5f;
  EXPECT_NE(problem(p).find("top_p"), std::string::npos);
  p = {};
  p.min_p = 1.1f;
  EXPECT_NE(problem(p).find("min_p"), std::string::npos);
  p = {};
  p.presence_penalty = 2.5f;
  EXPECT_NE(problem(p).find("presence_penalty"), std::string::npos);
  p = {};
  p.frequency_penalty = -3.0f;
  EXPECT_NE(problem(p).find("frequency_penalty"), std::string::npos);
  p = {};
  p.repetition_penalty = 0.0f;
  EXPECT_NE(problem(p).find("repetition_penalty"), std::string::npos);
  p = {};
  p.logprobs = true;
  p.top_logprobs = 21;
  EXPECT_NE(problem(p).find("top_logprobs must be in [0, 20]"), std::string::npos) << problem(p);
  p = {};
  p.top_logprobs = 3;
  EXPECT_EQ(problem(p), "top_logprobs needs logprobs set to true");
  EXPECT_THROW(validate(p), std::invalid_argument);
}

TEST(SamplingParams, BoundaryValuesAreAccepted) {
  sampling_params p;
  p.temperature = 0.0f;
  p.top_p = 1.0f;
  p.min_p = 1.0f;
  p.presence_penalty = -2.0f;
  p.frequency_penalty = 2.0f;
  p.logprobs = true;
  p.top_logprobs = 20;
  EXPECT_NO_THROW(validate(p));
}

TEST(SamplingParams, GreedyMeansTemperatureZeroOrTopKOne) {
  sampling_params p;
  EXPECT_FALSE(is_greedy(p));
  p.temperature = 0.0f;
  EXPECT_TRUE(is_greedy(p));
  p.temperature = 0.7f;
  p.top_k = 1;
  EXPECT_TRUE(is_greedy(p));
}

TEST(StopParams, ValidationAndTokenChecks) {
  stop_params p;
  p.eos_ids = qwen3_vl_eos_ids();
  p.max_tokens = 3;
  EXPECT_EQ(find_invalid(p), std::nullopt);
  EXPECT_EQ(check_token(151645, 1, p), finish_reason::stop);
  EXPECT_EQ(check_token(151643, 3, p), finish_reason::stop);  // EOS wins over length
  EXPECT_EQ(check_token(42, 2, p), finish_reason::none);
  EXPECT_EQ(check_token(42, 3, p), finish_reason::length);
  EXPECT_STREQ(finish_reason_name(finish_reason::length), "length");
  EXPECT_STREQ(finish_reason_name(finish_reason::stop), "stop");

  p.max_tokens = 0;
  EXPECT_NE(find_invalid(p).value_or("").find("max_tokens"), std::string::npos);
  p.max_tokens = 5;
  p.stop_strings = {"ok", ""};
  EXPECT_EQ(find_invalid(p).value_or(""), "stop strings must not be empty");
  p.stop_strings.assign(17, "x");
  EXPECT_THROW(validate(p), std::invalid_argument);
  p.stop_strings = {std::string(300, 'y')};
  EXPECT_NE(find_invalid(p).value_or("").find("at most 256 bytes"), std::string::npos);
}
