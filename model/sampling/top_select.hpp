// Partial selection of the largest logits, so that top-k, top-p and top_logprobs never sort the
// whole 152k vocabulary when only a few dozen entries matter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace vlserve::model {

// The indices of the min(m, n) largest values, ordered by value descending and, among equal
// values, by index ascending. That order is total, so the result does not depend on how the
// standard library breaks ties. Small m (the usual case) is one pass with a size-m heap;
// larger m falls back to nth_element plus a sort of the selected part. Values must not be NaN.
std::vector<std::int32_t> top_indices(std::span<const float> values, std::size_t m);

// The index of the largest value, lowest index on ties. values must be non-empty.
std::int32_t arg_max(std::span<const float> values);

}  // namespace vlserve::model
