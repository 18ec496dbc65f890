#include "model/text/text_decoder.hpp"

#include "model/text/linear_layer.hpp"
#include "model/text/text_attention.hpp"
#include "model/text/torch_util.hpp"

namespace vlserve::model {
namespace {

at::Tensor swiglu_mlp(const mlp_weights& w, const at::Tensor& x, compute_mode mode) {
  const at::Tensor gate = at::silu(apply_linear(x, w.gate_proj, mode));
  return apply_linear(gate * apply_linear(x, w.up_proj, mode), w.down_proj, mode);
}

}  // namespace

text_decoder::text_decoder(text_weights weights, text_config cfg, compute_mode mode)
    : weights_(std::move(weights)),
      cfg_(std::move(cfg)),
      rope_(cfg_.head_dim, cfg_.rope_theta, cfg_.mrope_section),
      mode_(mode) {}

at::Tensor text_decoder::embed(const at::Tensor& ids) const {
  return weights_.embed_tokens.index_select(0, ids);
}

at::Tensor text_decoder::forward(at::Tensor hidden, const at::Tensor& positions,
                                 const std::vector<batch_span>& spans,
                                 const std::vector<layer_addition>& additions) const {
  const mrope::tables tables = rope_.make_tables(positions, hidden.scalar_type());
  const double eps = cfg_.rms_norm_eps;
  for (size_t i = 0; i < weights_.layers.size(); ++i) {
    const decoder_layer_weights& l = weights_.layers[i];
    hidden = hidden + self_attention(l.self_attn, cfg_, rms_norm(hidden, l.input_layernorm, eps),
                                     tables, spans, int64_t(i), mode_);
    hidden = hidden + swiglu_mlp(l.mlp, rms_norm(hidden, l.post_attention_layernorm, eps), mode_);
    if (i < additions.size() && additions[i].rows.defined()) {
      hidden.index_add_(0, additions[i].rows, additions[i].features.to(hidden.scalar_type()));
    }
  }
  return hidden;
}

at::Tensor text_decoder::logits(const at::Tensor& hidden_rows) const {
  const at::Tensor normed = rms_norm(hidden_rows, weights_.norm, cfg_.rms_norm_eps);
  return apply_linear(normed, weights_.lm_head, mode_).to(at::kFloat);
}

}  // namespace vlserve::model
