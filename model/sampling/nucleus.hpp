// top_p without top_k: which tokens form the nucleus, without sorting the vocabulary.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace vlserve::model {

// The ids of the shortest prefix, in (logit desc, id asc) order, whose weights sum to at least
// target (the token that crosses it included). weights[i] belongs to logits[i] and falls as the
// logit falls. The returned ids are in no particular order; the set is exact up to the rounding of
// the partial sums.
//
// Peaked distributions (the usual decode step) are settled by the 64 best tokens from one heap
// pass. Otherwise a weighted quickselect halves the candidate range with nth_element, keeping the
// upper half whole when its mass is below what is still needed: expected O(V), never a full sort.
std::vector<std::int32_t> nucleus_ids(std::span<const float> logits, std::span<const float> weights, double target);

}  // namespace vlserve::model
