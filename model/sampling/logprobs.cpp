#include "model/sampling/logprobs.hpp"

#include <cmath>
#include <limits>

#include "model/sampling/top_select.hpp"

namespace vlserve::model {

double log_sum_exp(std::span<const float> logits) {
  if (logits.empty()) return -std::numeric_limits<double>::infinity();
  const float top = logits[arg_max(logits)];
  if (std::isinf(top)) return top;  // all -inf (or a +inf, which the sampler rejects earlier)
  double sum = 0.0;
  for (const float x : logits) sum += std::exp(x - top);
  return top + std::log(sum);
}

std::vector<token_logprob> top_logprobs(std::span<const float> logits, int n, double lse) {
  std::vector<token_logprob> out;
  if (n <= 0) return out;
  for (const std::int32_t id : top_indices(logits, static_cast<std::size_t>(n)))
    out.push_back({id, static_cast<float>(logits[id] - lse)});
  return out;
}

}  // namespace vlserve::model
