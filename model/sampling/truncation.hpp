// The random half of the sampler: softmax with temperature, truncated by top_k, top_p and min_p,
// then one draw from the rng. Each call consumes exactly one number from the rng.
#pragma once

#include <cstdint>
#include <span>

#include "model/sampling/rng.hpp"
#include "model/sampling/sampling_params.hpp"

namespace vlserve::model {

// logits: after penalties, no NaN/+inf, at least one finite. p.temperature must be > 0.
//
// Weights are w_i = exp((l_i - l_max) / T), so the most likely token has w = 1 and
// min_p keeps exactly the tokens with w_i >= min_p. Worked example, logits {2, 1, 0}, T = 1:
// w = {1, 0.368, 0.135}, Z = 1.503, probabilities {0.665, 0.245, 0.090}; top_p 0.7 keeps
// ids {0, 1} (0.665 < 0.7, then 0.910 >= 0.7) and the draw is over {1, 0.368} renormalised.
std::int32_t draw_truncated(std::span<const float> logits, const sampling_params& p, rng_state& rng);

}  // namespace vlserve::model
