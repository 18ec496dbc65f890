#include "model/sampling/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "model/sampling/top_select.hpp"
#include "model/sampling/truncation.hpp"

namespace vlserve::model {

namespace {

void check_logits(std::span<const float> logits) {
  if (logits.empty()) throw std::invalid_argument("logits are empty");
  if (logits.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw std::invalid_argument("vocabulary of " + std::to_string(logits.size()) + " exceeds int32 ids");
  constexpr float inf = std::numeric_limits<float>::infinity();
  // Branch-free scan (it runs every step); the slow search for the culprit only on failure.
  bool bad = false;
  bool any_finite = false;
  for (const float x : logits) {
    bad |= !(x < inf);  // NaN or +inf
    any_finite |= x > -inf;
  }
  if (bad) {
    const auto it = std::find_if(logits.begin(), logits.end(), [&](float x) { return !(x < inf); });
    throw std::invalid_argument("logit " + std::to_string(it - logits.begin()) + " is " +
                                (std::isnan(*it) ? "NaN" : "+inf") + "; the forward pass produced invalid values");
  }
  if (!any_finite) throw std::invalid_argument("all logits are -inf; no token can be sampled");
}

void add_logprobs(sampled_token& out, std::span<const float> raw, const sampling_params& params) {
  if (!params.logprobs) return;
  const double lse = log_sum_exp(raw);
  out.logprob = static_cast<float>(raw[out.token] - lse);
  out.top_logprobs = top_logprobs(raw, params.top_logprobs, lse);
}

// logit_bias then the mask, into workspace.biased; logits unchanged when neither applies.
std::span<const float> bias_and_mask(std::span<const float> logits, const sampling_params& params,
                                     const token_mask* mask, sampler_workspace& workspace) {
  if (params.logit_bias.empty() && !mask) return logits;
  constexpr float ninf = -std::numeric_limits<float>::infinity();
  auto& b = workspace.biased;
  b.assign(logits.begin(), logits.end());
  for (const auto& [id, bias] : params.logit_bias) {
    if (std::size_t(id) >= b.size())
      throw std::invalid_argument("logit_bias names token " + std::to_string(id) + " outside the vocabulary of " +
                                  std::to_string(b.size()));
    b[std::size_t(id)] = bias <= -100.0f ? ninf : b[std::size_t(id)] + bias;
  }
  if (mask) {
    if (mask->size() != b.size()) throw std::invalid_argument("token mask size differs from the logits");
    // Word by word: a full word (free string text) costs one compare.
    const auto& words = mask->words();
    for (std::size_t w = 0; w < words.size(); ++w) {
      if (words[w] == ~std::uint64_t{0}) continue;
      const std::size_t end = std::min(b.size(), (w + 1) * 64);
      for (std::size_t i = w * 64; i < end; ++i)
        if (!((words[w] >> (i & 63)) & 1)) b[i] = ninf;
    }
  }
  if (std::none_of(b.begin(), b.end(), [&](float x) { return x > ninf; }))
    throw std::invalid_argument("logit_bias and the output constraint leave no token to sample");
  return b;
}

}  // namespace

sampled_token forced_token(std::span<const float> logits, std::int32_t token, const sampling_params& params) {
  check_logits(logits);
  sampled_token out;
  out.token = token;
  add_logprobs(out, logits, params);
  return out;
}

sampled_token sample_token(std::span<const float> logits, const sampling_params& params,
                           const token_history& history, rng_state& rng, sampler_workspace& workspace,
                           const token_mask* mask) {
  validate(params);
  check_logits(logits);
  logits = bias_and_mask(logits, params, mask, workspace);
  std::span<const float> work = logits;
  if (has_penalties(params)) {
    workspace.adjusted.assign(logits.begin(), logits.end());
    apply_penalties(workspace.adjusted, params, history, workspace.seen);
    work = workspace.adjusted;
  }
  sampled_token out;
  out.token = is_greedy(params) ? arg_max(work) : draw_truncated(work, params, rng);
  add_logprobs(out, logits, params);
  return out;
}

sampled_token sample_token(std::span<const float> logits, const sampling_params& params,
                           const token_history& history, rng_state& rng) {
  sampler_workspace workspace;
  return sample_token(logits, params, history, rng, workspace);
}

}  // namespace vlserve::model
