#include "model/vision/tower/vision_layers.hpp"

#include <algorithm>
#include <cmath>

#include "model/text/kernels/cpu_attention.hpp"
#include "model/text/torch_util.hpp"

namespace vlserve::model::vision {
namespace {

constexpr double k_norm_eps = 1e-6;
// Query rows per attention product: bounds the score matrix to heads × 1024 × segment length.
constexpr int64_t k_query_block = 1024;

// dense() routes bf16 weights on CPU to vlserve's kernel (libtorch's bf16 GEMM is slow without
// AVX512-BF16); everything else goes to at::linear as before.
at::Tensor linear(const at::Tensor& x, const affine_weights& w) {
  return dense(x, w.weight, w.bias, compute_mode{});
}

at::Tensor layer_norm(const at::Tensor& x, const affine_weights& w) {
  return at::layer_norm(x, {x.size(-1)}, w.weight, w.bias, k_norm_eps);
}

at::Tensor rotate_half(const at::Tensor& x) {
  const int64_t half = x.size(-1) / 2;
  return at::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

// x [S, heads, head_dim]; rotated in float32 and cast back, as the reference does.
at::Tensor apply_rotary(const at::Tensor& x, const rotary_tables& r) {
  const at::Tensor xf = x.to(at::kFloat);
  const at::Tensor cos = r.cos.unsqueeze(1), sin = r.sin.unsqueeze(1);
  return (xf * cos + rotate_half(xf) * sin).to(x.scalar_type());
}

// q, k, v [heads, S, head_dim] of one segment -> [S, heads·head_dim]. Softmax in float32 (eager).
at::Tensor segment_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, double scale) {
  const int64_t s = q.size(1);
  // On CPU the blocked kernel streams over the keys instead of materialising the scores.
  const at::Tensor q_rows = q.transpose(0, 1);  // [S, heads, head_dim] view
  if (kernels::cpu_attention_applicable(q_rows, k, v)) {
    return kernels::cpu_attention(q_rows, k, v, -1, scale);
  }
  const at::Tensor kt = k.transpose(1, 2);
  std::vector<at::Tensor> outs;
  for (int64_t begin = 0; begin < s; begin += k_query_block) {
    const int64_t n = std::min(k_query_block, s - begin);
    const at::Tensor scores = matmul_f32_on_cpu(q.narrow(1, begin, n), kt) * scale;
    const at::Tensor probs = at::softmax(scores, -1, at::kFloat).to(q.scalar_type());
    outs.push_back(matmul_f32_on_cpu(probs, v));
  }
  const at::Tensor o = outs.size() == 1 ? outs[0] : at::cat(outs, 1);
  return o.transpose(0, 1).reshape({s, -1});
}

}  // namespace

at::Tensor vision_block(const at::Tensor& x, const vision_block_weights& w, const block_shape& shape,
                        const rotary_tables& rotary, const std::vector<int64_t>& segments) {
  const int64_t n = x.size(0);
  const at::Tensor qkv = linear(layer_norm(x, w.norm1), w.qkv).view({n, 3, shape.heads, shape.head_dim});
  const at::Tensor q = apply_rotary(qkv.select(1, 0), rotary);
  const at::Tensor k = apply_rotary(qkv.select(1, 1), rotary);
  const at::Tensor v = qkv.select(1, 2);
  const double scale = 1.0 / std::sqrt(double(shape.head_dim));
  std::vector<at::Tensor> outs;
  outs.reserve(segments.size());
  int64_t offset = 0;
  for (int64_t len : segments) {
    auto heads_first = [&](const at::Tensor& t) { return t.narrow(0, offset, len).transpose(0, 1); };
    outs.push_back(segment_attention(heads_first(q), heads_first(k), heads_first(v), scale));
    offset += len;
  }
  const at::Tensor attn = outs.size() == 1 ? outs[0] : at::cat(outs);
  const at::Tensor h = x + linear(attn, w.proj);
  return h + linear(at::gelu(linear(layer_norm(h, w.norm2), w.fc1), "tanh"), w.fc2);
}

at::Tensor patch_merger(const at::Tensor& x, const merger_weights& w, int64_t merge, bool norm_after_shuffle) {
  const int64_t window = merge * merge;
  const at::Tensor merged = norm_after_shuffle ? layer_norm(x.reshape({-1, x.size(1) * window}), w.norm)
                                               : layer_norm(x, w.norm).reshape({-1, x.size(1) * window});
  return linear(at::gelu(linear(merged, w.fc1)), w.fc2);
}

}  // namespace vlserve::model::vision
