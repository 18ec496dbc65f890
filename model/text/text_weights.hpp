// Weights of the Qwen3-VL text decoder, one struct per HF module, loaded by their HF names
// (prefix model.language_model.*, plus lm_head.weight when untied). Model-internal (ATen).
#pragma once

#include <ATen/ATen.h>

#include <vector>

#include "model/checkpoint/checkpoint.hpp"
#include "model/checkpoint/model_config.hpp"
#include "model/text/linear_layer.hpp"
#include "model/text/weight_quant.hpp"

namespace vlserve::model {

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
  at::Tensor embed_tokens;  // [vocab, hidden], compute dtype in every mode (rows are gathered)
  std::vector<decoder_layer_weights> layers;
  at::Tensor norm;          // final RMSNorm
  // [vocab, hidden]; weight is the same tensor as embed_tokens when tied. Under int8/fp8 the head
  // is quantized too: it is a fifth of a 2B decode token's weight bytes.
  linear_weights lm_head;
};

inline constexpr char k_text_prefix[] = "model.language_model.";

// Loads and shape-checks every text tensor (converted to `options`), marks them in `claims`, and
// fails on missing, mis-shaped or unexpected tensors under the text prefix. FP8 weights (with
// `quantization`) are dequantized; `quant` int8/fp8 puts the q/k/v/o/gate/up/down projections
// and the lm_head into int8 (the caller checks that fp8 has an FP8 checkpoint).
text_weights load_text_weights(const checkpoint& ckpt, const model_config& cfg,
                               const at::TensorOptions& options, weight_quant quant,
                               tensor_claims& claims);

}  // namespace vlserve::model
