// The vision tower's layers (spec §5.5-5.7): one pre-norm block with segment-confined attention
// and 2-D rotary, and the patch mergers. Model-internal (ATen).
#pragma once

#include <ATen/ATen.h>

#include <vector>

#include "model/vision/tower/vision_positions.hpp"
#include "model/vision/tower/vision_weights.hpp"

namespace vlserve::model::vision {

struct block_shape {
  int64_t heads = 0;
  int64_t head_dim = 0;
};

// x + proj(attn(norm1(x))), then + fc2(gelu_tanh(fc1(norm2(x)))). Attention is bidirectional and
// confined to each segment (patch counts in row order, summing to x.size(0)).
at::Tensor vision_block(const at::Tensor& x, const vision_block_weights& w, const block_shape& shape,
                        const rotary_tables& rotary, const std::vector<int64_t>& segments);

// LayerNorm → concatenate each 2×2 window's 4 rows → fc1 → exact GELU → fc2. The final merger
// normalises the patch rows before the shuffle, the deepstack mergers the merged rows after it.
at::Tensor patch_merger(const at::Tensor& x, const merger_weights& w, int64_t merge, bool norm_after_shuffle);

}  // namespace vlserve::model::vision
