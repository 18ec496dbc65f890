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

}  // namespace

sampled_token sample_token(std::span<const float> logits, const sampling_params& params,
                           const token_history& history, rng_state& rng, sampler_workspace& workspace) {
  validate(params);
  check_logits(logits);
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
