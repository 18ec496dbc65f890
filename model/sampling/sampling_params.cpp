#include "model/sampling/sampling_params.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace vlserve::model {

namespace {

std::string got(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return std::string(" (got ") + text + ")";
}

}  // namespace

sampling_params thinking_defaults() {
  sampling_params p;
  p.temperature = 1.0f;
  p.top_p = 0.95f;
  p.top_k = 20;
  return p;
}

bool is_greedy(const sampling_params& p) { return p.temperature == 0.0f || p.top_k == 1; }

std::optional<std::string> find_invalid(const sampling_params& p) {
  // Written as !(in range) so that NaN fails every check.
  if (!(p.temperature >= 0.0f && std::isfinite(p.temperature)))
    return "temperature must be a finite number >= 0" + got(p.temperature);
  if (p.top_k < 0) return "top_k must be >= 0 (0 disables it)" + got(p.top_k);
  if (!(p.top_p > 0.0f && p.top_p <= 1.0f)) return "top_p must be in (0, 1]" + got(p.top_p);
  if (!(p.min_p >= 0.0f && p.min_p <= 1.0f)) return "min_p must be in [0, 1]" + got(p.min_p);
  if (!(p.presence_penalty >= -2.0f && p.presence_penalty <= 2.0f))
    return "presence_penalty must be in [-2, 2]" + got(p.presence_penalty);
  if (!(p.frequency_penalty >= -2.0f && p.frequency_penalty <= 2.0f))
    return "frequency_penalty must be in [-2, 2]" + got(p.frequency_penalty);
  if (!(p.repetition_penalty > 0.0f && std::isfinite(p.repetition_penalty)))
    return "repetition_penalty must be a finite number > 0" + got(p.repetition_penalty);
  if (p.top_logprobs < 0 || p.top_logprobs > max_top_logprobs)
    return "top_logprobs must be in [0, " + std::to_string(max_top_logprobs) + "]" + got(p.top_logprobs);
  if (p.top_logprobs > 0 && !p.logprobs) return "top_logprobs needs logprobs set to true";
  if (p.logit_bias.size() > max_logit_bias)
    return "logit_bias may hold at most " + std::to_string(max_logit_bias) + " entries" + got(double(p.logit_bias.size()));
  for (const auto& [id, bias] : p.logit_bias) {
    if (id < 0) return "logit_bias keys must be token ids >= 0" + got(id);
    if (!(bias >= -100.0f && bias <= 100.0f)) return "logit_bias values must be in [-100, 100]" + got(bias);
  }
  return std::nullopt;
}

void validate(const sampling_params& p) {
  if (auto problem = find_invalid(p)) throw std::invalid_argument(*problem);
}

}  // namespace vlserve::model
