// Log-probabilities reported to clients. They come from the log-softmax of the *raw* model logits
// (before penalties, temperature and truncation), as vLLM does by default ("raw_logprobs"): the
// number then describes the model, not the request's sampling knobs, and stays comparable across
// requests. A token masked to -inf reports -inf; the HTTP layer decides how to print it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace vlserve::model {

struct token_logprob {
  std::int32_t token = 0;
  float logprob = 0.0f;
};

// log(sum(exp(x))), computed stably around the maximum with a double accumulator.
double log_sum_exp(std::span<const float> logits);

// The n most likely tokens (n <= 20 in practice) with their log-probabilities, most likely first
// and lowest id first among equals. lse is log_sum_exp(logits).
std::vector<token_logprob> top_logprobs(std::span<const float> logits, int n, double lse);

}  // namespace vlserve::model
