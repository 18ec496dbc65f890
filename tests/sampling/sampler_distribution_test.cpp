// Draw frequencies match the intended distribution. Seeds are fixed, so each test is
// deterministic; the tolerance (5 standard deviations of a binomial count) is what a correct
// sampler would pass for almost any seed, and a wrong filter or temperature misses by far more.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "model/sampling/sampler.hpp"

using namespace vlserve::model;

namespace {

constexpr int draws = 20000;

// probabilities {0.1, 0.2, 0.3, 0.4} at temperature 1
const std::vector<float> logits{std::log(1.0f), std::log(2.0f), std::log(3.0f), std::log(4.0f)};

std::vector<int> histogram(const sampling_params& p, std::uint64_t seed) {
  std::vector<int> counts(logits.size(), 0);
  rng_state rng(seed);
  sampler_workspace ws;
  for (int i = 0; i < draws; ++i) ++counts[sample_token(logits, p, token_history{}, rng, ws).token];
  return counts;
}

void expect_distribution(const std::vector<int>& counts, const std::vector<double>& expected) {
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const double mean = draws * expected[i];
    const double sd = std::sqrt(draws * expected[i] * (1.0 - expected[i]));
    EXPECT_NEAR(counts[i], mean, 5.0 * sd + 0.5) << "token " << i;
  }
}

sampling_params at_temperature(float t) {
  sampling_params p;
  p.temperature = t;
  return p;
}

}  // namespace

TEST(SamplerDistribution, TemperatureOne) {
  expect_distribution(histogram(at_temperature(1.0f), 11), {0.1, 0.2, 0.3, 0.4});
}

TEST(SamplerDistribution, LowTemperatureSharpens) {
  // p^(1/0.5) = p^2 normalised: {1, 4, 9, 16} / 30
  expect_distribution(histogram(at_temperature(0.5f), 12), {1 / 30.0, 4 / 30.0, 9 / 30.0, 16 / 30.0});
}

TEST(SamplerDistribution, HighTemperatureFlattens) {
  // p^(1/2) = sqrt({1, 2, 3, 4}) normalised
  const double s = 1.0 + std::sqrt(2.0) + std::sqrt(3.0) + 2.0;
  expect_distribution(histogram(at_temperature(2.0f), 13), {1 / s, std::sqrt(2.0) / s, std::sqrt(3.0) / s, 2 / s});
}

TEST(SamplerDistribution, TopKRenormalisesOverTheKept) {
  sampling_params p = at_temperature(1.0f);
  p.top_k = 3;
  expect_distribution(histogram(p, 14), {0.0, 2 / 9.0, 3 / 9.0, 4 / 9.0});
}

TEST(SamplerDistribution, TopPRenormalisesOverTheNucleus) {
  // 0.4 < 0.65, 0.4 + 0.3 >= 0.65: ids 3 and 2 remain, as {3/7, 4/7}.
  sampling_params p = at_temperature(1.0f);
  p.top_p = 0.65f;
  expect_distribution(histogram(p, 15), {0.0, 0.0, 3 / 7.0, 4 / 7.0});
}

TEST(SamplerDistribution, MinPRenormalisesOverTheKept) {
  // relative weights {0.25, 0.5, 0.75, 1}; min_p 0.6 keeps ids 2 and 3.
  sampling_params p = at_temperature(1.0f);
  p.min_p = 0.6f;
  expect_distribution(histogram(p, 16), {0.0, 0.0, 3 / 7.0, 4 / 7.0});
}

TEST(SamplerDistribution, PresencePenaltyShiftsMass) {
  // presence 1 on id 3: weight 4 -> 4/e = 1.4715; total 1 + 2 + 3 + 1.4715 = 7.4715
  sampling_params p = at_temperature(1.0f);
  p.presence_penalty = 1.0f;
  const std::vector<std::int32_t> generated{3, 3};
  std::vector<int> counts(4, 0);
  rng_state rng(17);
  for (int i = 0; i < draws; ++i) ++counts[sample_token(logits, p, token_history{{}, generated}, rng).token];
  const double w3 = 4.0 / std::exp(1.0), total = 6.0 + w3;
  expect_distribution(counts, {1 / total, 2 / total, 3 / total, w3 / total});
}
