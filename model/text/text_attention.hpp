// Qwen3 self-attention over a packed batch: the projections run once over all N rows; scores and
// softmax run per sequence against that sequence's own KV cache. Model-internal (ATen).
#pragma once

#include <ATen/ATen.h>

#include <vector>

#include "model/checkpoint/model_config.hpp"
#include "model/text/batch_span.hpp"
#include "model/text/mrope.hpp"
#include "model/text/text_weights.hpp"
#include "model/text/torch_util.hpp"

namespace vlserve::model {

// x: [N, hidden] (already input-normed). Appends this step's K/V of `layer` to each span's cache
// (uncommitted) and returns the o_proj output [N, hidden].
at::Tensor self_attention(const attention_weights& w, const text_config& cfg, const at::Tensor& x,
                          const mrope::tables& rope, const std::vector<batch_span>& spans,
                          int64_t layer, compute_mode mode);

}  // namespace vlserve::model
