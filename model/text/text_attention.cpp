#include "model/text/text_attention.hpp"

#include <cmath>
#include <limits>
#include <tuple>

#include "model/text/kernels/cpu_attention.hpp"
#include "model/text/kv_cache.hpp"
#include "model/text/linear_layer.hpp"
#include "model/text/torch_util.hpp"

namespace vlserve::model {
namespace {

// One sequence: q [n, H, d], k/v [n, KV, d] -> [n, H*d]. Cache index (not M-RoPE position) decides
// causality: the query at cache index past+i sees keys 0..past+i.
at::Tensor attend_one(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                      kv_cache& cache, int64_t layer, double scale, compute_mode mode) {
  const int64_t n = q.size(0), heads = q.size(1), dim = q.size(2);
  const int64_t kv_heads = k.size(1), group = heads / kv_heads;
  const int64_t past = cache.length();
  auto [keys, values] = cache.append(layer, k.permute({1, 0, 2}), v.permute({1, 0, 2}));
  int64_t total = past + n;
  const bool invariant = mode.batch_invariant;
  // On CPU the blocked kernel never builds the [heads, n, total] score matrix (at 2,048 prompt
  // tokens that matrix and its float32 copies cost more than the layer's weights did).
  if (!invariant && kernels::cpu_attention_applicable(q, keys, values)) {
    return kernels::cpu_attention(q, keys, values, past, scale);
  }
  if (invariant) {
    // Attend over the whole allocation (masked past the query) so the softmax and p x V
    // reductions have the same length however the sequence was chunked or batched.
    std::tie(keys, values) = cache.buffers(layer);
    total = keys.size(1);
  }

  // Query head h uses kv head h / group: group the heads so one bmm per kv head covers them.
  const at::Tensor qg = q.permute({1, 0, 2}).reshape({kv_heads, group * n, dim});
  at::Tensor scores = batched_matmul(qg, keys.transpose(1, 2), mode) * scale;  // [KV, group*n, total]
  if (n > 1 || invariant) {
    const auto opts = at::TensorOptions().dtype(at::kLong).device(q.device());
    const at::Tensor qi = at::arange(past, past + n, opts).unsqueeze(1);  // [n, 1]
    const at::Tensor kj = at::arange(0, total, opts).unsqueeze(0);     // [1, total]
    const at::Tensor hidden_keys = kj > qi;                            // [n, total]
    scores = scores.view({kv_heads, group, n, total})
                 .masked_fill(hidden_keys, -std::numeric_limits<double>::infinity())
                 .view({kv_heads, group * n, total});
  }
  const at::Tensor probs = at::softmax(scores, -1, at::kFloat).to(q.scalar_type());
  const at::Tensor out = batched_matmul(probs, values, mode);  // [KV, group*n, d]
  return out.reshape({heads, n, dim}).permute({1, 0, 2}).reshape({n, heads * dim});
}

}  // namespace

at::Tensor self_attention(const attention_weights& w, const text_config& cfg, const at::Tensor& x,
                          const mrope::tables& rope, const std::vector<batch_span>& spans,
                          int64_t layer, compute_mode mode) {
  const int64_t rows = x.size(0), dim = cfg.head_dim;
  const int64_t heads = cfg.num_attention_heads, kv_heads = cfg.num_key_value_heads;
  at::Tensor q = apply_linear(x, w.q_proj, mode).view({rows, heads, dim});
  at::Tensor k = apply_linear(x, w.k_proj, mode).view({rows, kv_heads, dim});
  const at::Tensor v = apply_linear(x, w.v_proj, mode).view({rows, kv_heads, dim});
  q = apply_rope(rms_norm(q, w.q_norm, cfg.rms_norm_eps), rope);
  k = apply_rope(rms_norm(k, w.k_norm, cfg.rms_norm_eps), rope);

  const double scale = 1.0 / std::sqrt(double(dim));
  std::vector<at::Tensor> outs;
  outs.reserve(spans.size());
  for (const batch_span& s : spans) {
    outs.push_back(attend_one(q.narrow(0, s.offset, s.length), k.narrow(0, s.offset, s.length),
                              v.narrow(0, s.offset, s.length), *s.cache, layer, scale, mode));
  }
  const at::Tensor merged = outs.size() == 1 ? outs[0] : at::cat(outs, 0);
  return apply_linear(merged, w.o_proj, mode);
}

}  // namespace vlserve::model
