#include "model/text/text_weights.hpp"

#include <string>

#include "model/checkpoint/checkpoint_error.hpp"
#include "model/text/fp8_weights.hpp"
#include "model/text/torch_util.hpp"

namespace vlserve::model {
namespace {

struct loader {
  tensor_claims& claims;
  const at::TensorOptions& options;
  const quantization_config& quantization;
  weight_quant quant;

  at::Tensor tensor(const std::string& name, std::vector<int64_t> shape) {
    return tensor_from_view(claims.take(name, shape), options);
  }

  // A weight matrix, dequantized first when the checkpoint stores it as FP8.
  at::Tensor matrix(const std::string& name, std::vector<int64_t> shape) {
    return take_weight(claims, name, shape, quantization, options);
  }

  linear_weights linear(const std::string& prefix, int64_t out, int64_t in, bool bias) {
    linear_weights w;
    if (quant == weight_quant::none) {
      w.weight = matrix(prefix + ".weight", {out, in});
    } else {
      // Quantized from float32 (not from the compute dtype) to skip one rounding.
      w.int8 = kernels::quantize_int8(take_weight(claims, prefix + ".weight", {out, in}, quantization,
                                                  at::TensorOptions().dtype(at::kFloat)));
    }
    if (bias) w.bias = tensor(prefix + ".bias", {out});
    return w;
  }
};

}  // namespace

text_weights load_text_weights(const checkpoint& ckpt, const model_config& model_cfg,
                               const at::TensorOptions& options, weight_quant quant,
                               tensor_claims& claims) {
  const text_config& cfg = model_cfg.text;
  loader ld{claims, options, model_cfg.quantization, quant};
  const std::string p = k_text_prefix;
  const int64_t hidden = cfg.hidden_size;
  const int64_t q_width = cfg.num_attention_heads * cfg.head_dim;
  const int64_t kv_width = cfg.num_key_value_heads * cfg.head_dim;
  const bool bias = cfg.attention_bias;

  text_weights w;
  w.embed_tokens = ld.matrix(p + "embed_tokens.weight", {cfg.vocab_size, hidden});
  w.layers.reserve(size_t(cfg.num_hidden_layers));
  for (int64_t i = 0; i < cfg.num_hidden_layers; ++i) {
    const std::string lp = p + "layers." + std::to_string(i) + ".";
    decoder_layer_weights l;
    l.input_layernorm = ld.tensor(lp + "input_layernorm.weight", {hidden});
    l.post_attention_layernorm = ld.tensor(lp + "post_attention_layernorm.weight", {hidden});
    l.self_attn.q_proj = ld.linear(lp + "self_attn.q_proj", q_width, hidden, bias);
    l.self_attn.k_proj = ld.linear(lp + "self_attn.k_proj", kv_width, hidden, bias);
    l.self_attn.v_proj = ld.linear(lp + "self_attn.v_proj", kv_width, hidden, bias);
    l.self_attn.o_proj = ld.linear(lp + "self_attn.o_proj", hidden, q_width, bias);
    l.self_attn.q_norm = ld.tensor(lp + "self_attn.q_norm.weight", {cfg.head_dim});
    l.self_attn.k_norm = ld.tensor(lp + "self_attn.k_norm.weight", {cfg.head_dim});
    l.mlp.gate_proj = ld.linear(lp + "mlp.gate_proj", cfg.intermediate_size, hidden, false);
    l.mlp.up_proj = ld.linear(lp + "mlp.up_proj", cfg.intermediate_size, hidden, false);
    l.mlp.down_proj = ld.linear(lp + "mlp.down_proj", hidden, cfg.intermediate_size, false);
    w.layers.push_back(std::move(l));
  }
  w.norm = ld.tensor(p + "norm.weight", {hidden});

  // A stored lm_head wins (spec §2.1); without one the head is the embedding matrix, which is only
  // right when the config says the two are tied.
  if (ckpt.contains("lm_head.weight")) {
    w.lm_head = ld.linear("lm_head", cfg.vocab_size, hidden, false);
  } else if (cfg.tie_word_embeddings) {
    if (quant == weight_quant::none) {
      w.lm_head.weight = w.embed_tokens;
    } else {
      // A second, int8 copy of the tied matrix for the head; lookups keep the exact rows.
      w.lm_head.int8 = kernels::quantize_int8(w.embed_tokens);
    }
  } else {
    throw checkpoint_error("tensor 'lm_head.weight' is missing from checkpoint " + ckpt.source() +
                           " and config.json says tie_word_embeddings = false");
  }
  claims.expect_all_taken(p);
  return w;
}

}  // namespace vlserve::model
