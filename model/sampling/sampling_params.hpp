// What a request asks of the sampler, as a plain struct (the HTTP layer fills it from JSON), and
// the checks that reject out-of-range values with a message naming the field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vlserve::model {

inline constexpr int max_top_logprobs = 20;  // OpenAI's limit for top_logprobs
// OpenAI's 300 logit_bias entries, plus the server's own ban of <tool_call> under tool_choice "none".
inline constexpr std::size_t max_logit_bias = 301;

struct sampling_params {
  float temperature = 1.0f;         // 0 = greedy (argmax, ties to the lowest id)
  int top_k = 0;                    // 0 = off; otherwise keep the k highest logits
  float top_p = 1.0f;               // 1 = off; otherwise the smallest prefix with mass >= top_p
  float min_p = 0.0f;               // 0 = off; drop tokens with p < min_p * p_max
  float presence_penalty = 0.0f;    // OpenAI, [-2, 2], over generated tokens
  float frequency_penalty = 0.0f;   // OpenAI, [-2, 2], per occurrence in generated tokens
  float repetition_penalty = 1.0f;  // HF/vLLM, > 0, over prompt + generated tokens; 1 = off
  std::optional<std::uint64_t> seed;
  bool logprobs = false;            // report the chosen token's log-probability
  int top_logprobs = 0;             // 0..20 alternatives; needs logprobs
  // OpenAI logit_bias, ascending ids: added to the logits before everything else; -100 bans the
  // token outright (-inf), as OpenAI promises "a ban". Logprobs are read after the bias.
  std::vector<std::pair<std::int32_t, float>> logit_bias;
};

// The Thinking model's recommended defaults (spec §9.1): temperature 1.0, top_p 0.95, top_k 20.
sampling_params thinking_defaults();

// True when sampling reduces to argmax (temperature 0 or top_k 1): no random draw is used.
bool is_greedy(const sampling_params& p);

// The first problem with p, as "<field> must be ... (got ...)", or nullopt when p is valid.
std::optional<std::string> find_invalid(const sampling_params& p);

// Throws std::invalid_argument with find_invalid's message.
void validate(const sampling_params& p);

}  // namespace vlserve::model
