// Penalties that push a sequence away from tokens it has already seen. Applied to a copy of the
// logits before temperature and truncation, in vLLM's order: repetition, then frequency/presence.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "model/sampling/sampling_params.hpp"

namespace vlserve::model {

// The token ids a sequence has so far. Penalties read them; nothing here keeps them.
struct token_history {
  std::span<const std::int32_t> prompt;
  std::span<const std::int32_t> generated;
};

// True when p has a penalty that changes logits.
bool has_penalties(const sampling_params& p);

// Applies p's penalties to logits in place:
//  * repetition (HF/vLLM): every distinct id in prompt+generated has its logit divided by
//    repetition_penalty when positive, multiplied when negative (or zero);
//  * frequency/presence (OpenAI): logit -= frequency_penalty * count + presence_penalty * (count > 0),
//    counting generated tokens only.
// Work is proportional to the history length, not the vocabulary. `seen` is scratch space (kept
// by the caller to avoid reallocating); it is left all false on return.
// Throws std::invalid_argument if a history id is outside [0, logits.size()).
void apply_penalties(std::span<float> logits, const sampling_params& p, const token_history& history,
                     std::vector<bool>& seen);

}  // namespace vlserve::model
