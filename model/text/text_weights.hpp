// Weights of the Qwen3-VL text decoder, one struct per HF module, loaded by their HF names
// (prefix model.language_model.*, plus lm_head.weight when untied). Model-internal (ATen).
#pragma once

#include <ATen/ATen.h>

#include <vector>

#include "model/checkpoint/checkpoint.hpp"
#include "model/checkpoint/model_config.hpp"

namespace vlserve::model {

struct linear_weights {
  at::Tensor weight;  // [out, in]
  at::Tensor bias;    // undefined when the config has no bias
};

struct attention_weights {  // self_attn.*
  linear_weights q_proj, k_proj, v_proj, o_proj;
  at::Tensor q_norm, k_norm;  // [head_dim], shared by all heads
};

struct mlp_weights {  // mlp.*
  linear_weights gate_proj, up_proj, down_proj;
};

struct decoder_layer_weights {  // layers.N.*
  at::Tensor input_layernorm, post_attention_layernorm;
  attention_weights self_attn;
  mlp_weights mlp;
};

struct text_weights {
  at::Tensor embed_tokens;  // [vocab, hidden]
  std::vector<decoder_layer_weights> layers;
  at::Tensor norm;     // final RMSNorm
  at::Tensor lm_head;  // [vocab, hidden]; the same tensor as embed_tokens when tied
};

inline constexpr char k_text_prefix[] = "model.language_model.";

// Loads and shape-checks every text tensor (converted to `options`), marks them in `claims`, and
// fails on missing, mis-shaped or unexpected tensors under the text prefix.
text_weights load_text_weights(const checkpoint& ckpt, const text_config& cfg,
                               const at::TensorOptions& options, tensor_claims& claims);

}  // namespace vlserve::model
