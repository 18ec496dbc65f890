// Picks the next token of one sequence from its logits. Pure: the only state is the caller's
// per-sequence rng_state (and a reusable workspace), so a step can be replayed from a seed.
//
// Order (HF generate / vLLM): penalties -> temperature -> top_k -> top_p -> min_p -> draw.
// top_p is measured over the top_k survivors, as HF does; min_p compares with the most likely
// token, which every filter keeps, so its place in the chain does not change which tokens it drops.
// Exactly top_k tokens survive top_k: among equal logits the lower ids win (HF keeps all ties).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "model/sampling/logprobs.hpp"
#include "model/sampling/penalties.hpp"
#include "model/sampling/rng.hpp"
#include "model/sampling/sampling_params.hpp"
#include "model/sampling/token_mask.hpp"

namespace vlserve::model {

struct sampled_token {
  std::int32_t token = 0;
  std::optional<float> logprob;             // set when params.logprobs; raw log-softmax
  std::vector<token_logprob> top_logprobs;  // params.top_logprobs entries, most likely first
};

// Scratch buffers reused across steps so a decode step does not allocate vocabulary-sized arrays.
struct sampler_workspace {
  std::vector<float> biased;    // logits after logit_bias and the grammar mask
  std::vector<float> adjusted;  // logits after penalties
  std::vector<bool> seen;       // repetition-penalty dedup marks, all false between calls
};

// Throws std::invalid_argument for invalid params, empty logits, a NaN or +inf logit, logits that
// are all -inf (also after the bias and mask), or a history or logit_bias id outside the vocabulary.
// `mask` (optional, logits-sized) limits the draw to the ids it allows.
sampled_token sample_token(std::span<const float> logits, const sampling_params& params,
                           const token_history& history, rng_state& rng, sampler_workspace& workspace,
                           const token_mask* mask = nullptr);

// `token` as if it had been sampled (a forced token), with logprobs read from the raw logits.
sampled_token forced_token(std::span<const float> logits, std::int32_t token, const sampling_params& params);

sampled_token sample_token(std::span<const float> logits, const sampling_params& params,
                           const token_history& history, rng_state& rng);

}  // namespace vlserve::model
