// What a session asks the model worker to generate: a tokenised prompt and the decoding options.
// Plain data (serialisable), so a job can also travel to a worker on another node.
#pragma once

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vlserve::actors {

struct decoding_options {
  int32_t max_tokens = 256;
  double temperature = 0.7;  // 0 = greedy
  double top_p = 1.0;
  int32_t top_k = 0;  // 0 = off
  double min_p = 0.0;
  double presence_penalty = 0.0;
  double frequency_penalty = 0.0;
  double repetition_penalty = 1.0;
  bool has_seed = false;
  uint64_t seed = 0;
  std::vector<std::string> stop;
  bool logprobs = false;
  int32_t top_logprobs = 0;
  bool parse_tool_calls = false;  // the request declared tools
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, decoding_options& x) {
  return f(caf::meta::type_name("decoding_options"), x.max_tokens, x.temperature, x.top_p, x.top_k, x.min_p,
           x.presence_penalty, x.frequency_penalty, x.repetition_penalty, x.has_seed, x.seed, x.stop,
           x.logprobs, x.top_logprobs, x.parse_tool_calls);
}

struct generation_job {
  std::string session_id;
  std::vector<int32_t> prompt_ids;
  std::vector<int64_t> position_ids;  // 3*T, rows t,h,w; empty for text-only prompts (0..T-1)
  int64_t rope_delta = 0;             // decode step n uses position T + n + rope_delta
  decoding_options options;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, generation_job& x) {
  return f(caf::meta::type_name("generation_job"), x.session_id, x.prompt_ids, x.position_ids, x.rope_delta,
           x.options);
}

}  // namespace vlserve::actors
