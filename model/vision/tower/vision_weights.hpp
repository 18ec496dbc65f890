// Weights of the Qwen3-VL vision tower (`model.visual.*`, spec §2.2), one struct per HF module,
// loaded by their HF names. Model-internal (ATen).
#pragma once

#include <ATen/ATen.h>

#include <vector>

#include "model/checkpoint/checkpoint.hpp"
#include "model/checkpoint/model_config.hpp"

namespace vlserve::model::vision {

struct affine_weights {  // a Linear or LayerNorm: weight and bias
  at::Tensor weight;
  at::Tensor bias;
};

struct vision_block_weights {  // blocks.B.*
  affine_weights norm1, norm2;
  affine_weights qkv, proj;  // attn.qkv [3·hidden, hidden], attn.proj
  affine_weights fc1, fc2;   // mlp.linear_fc1, mlp.linear_fc2
};

struct merger_weights {  // merger.* and deepstack_merger_list.D.*
  affine_weights norm;  // [hidden] for the final merger (pre-shuffle), [4·hidden] for deepstack
  affine_weights fc1, fc2;
};

struct vision_weights {
  affine_weights patch_embed;  // weight reshaped to [hidden, 3·2·16·16]: the Conv3d as one matmul
  at::Tensor pos_embed;        // [num_position_embeddings, hidden]
  std::vector<vision_block_weights> blocks;
  merger_weights merger;
  std::vector<merger_weights> deepstack_mergers;  // one per deepstack_visual_indexes entry
};

inline constexpr char k_vision_prefix[] = "model.visual.";

// Loads and shape-checks every tower tensor (converted to `options`), marks them in `claims`, and
// fails on missing, mis-shaped or unexpected tensors under model.visual. FP8 linear weights of
// an FP8 checkpoint (`quantization`) are dequantized to `options`.
vision_weights load_vision_weights(const vision_config& cfg, const at::TensorOptions& options,
                                   tensor_claims& claims, const quantization_config& quantization = {});

}  // namespace vlserve::model::vision
