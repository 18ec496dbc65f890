#include "model/text/kernels/cpu_attention.hpp"

#include <ATen/Parallel.h>

#include <cstdlib>
#include <string>

namespace vlserve::model::kernels {
namespace {

// Grows only (as widened_linear's): the packed K and V of a long prompt are tens of MiB, and a
// fresh at::empty would fault its pages in again on every layer. Bounded by the longest context.
float* pack_buffer(int64_t floats) {
  static thread_local at::Tensor buffer;
  if (!buffer.defined() || buffer.numel() < floats) buffer = at::empty({floats}, at::kFloat);
  return buffer.data_ptr<float>();
}

}  // namespace

bool cpu_attention_enabled() {
  static const bool enabled = [] {
    const char* env = std::getenv("VLSERVE_ATTENTION");
    return env == nullptr || std::string(env) != "off";
  }();
  return enabled;
}

attention_isa cpu_attention_isa() {
  static const attention_isa isa = attention_best_isa();
  return isa;
}

bool cpu_attention_applicable(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v) {
  if (!cpu_attention_enabled()) return false;
  if (!q.is_cpu() || !k.is_cpu() || !v.is_cpu()) return false;
  if (q.dim() != 3 || k.dim() != 3 || v.dim() != 3) return false;
  const at::ScalarType t = q.scalar_type();
  if ((t != at::kFloat && t != at::kBFloat16) || k.scalar_type() != t || v.scalar_type() != t)
    return false;
  if (q.stride(2) != 1 || k.stride(2) != 1 || v.stride(2) != 1) return false;
  const int64_t d = q.size(2);
  if (k.size(2) != d || v.size(2) != d || k.sizes() != v.sizes()) return false;
  return d % 16 == 0 && d >= 16 && d <= k_attention_max_head_dim && k.size(0) > 0 &&
         q.size(1) % k.size(0) == 0 && q.size(1) / k.size(0) <= k_attention_rows;
}

at::Tensor cpu_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                         int64_t causal_offset, double scale) {
  return cpu_attention(q, k, v, causal_offset, scale, cpu_attention_isa());
}

at::Tensor cpu_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                         int64_t causal_offset, double scale, attention_isa isa) {
  const int64_t n = q.size(0), heads = q.size(1), d = q.size(2);
  at::Tensor out = at::empty({n, heads * d}, q.options());
  attention_args a;
  a.dtype = q.scalar_type() == at::kFloat ? attention_dtype::f32 : attention_dtype::bf16;
  a.q = q.data_ptr();
  a.q_row_stride = q.stride(0);
  a.q_head_stride = q.stride(1);
  a.k = k.data_ptr();
  a.k_head_stride = k.stride(0);
  a.k_row_stride = k.stride(1);
  a.v = v.data_ptr();
  a.v_head_stride = v.stride(0);
  a.v_row_stride = v.stride(1);
  a.out = out.data_ptr();
  a.out_row_stride = heads * d;
  a.out_head_stride = d;
  a.queries = n;
  a.heads = heads;
  a.kv_heads = k.size(0);
  a.head_dim = d;
  a.keys = k.size(1);
  a.causal_offset = causal_offset;
  a.scale = float(scale);
  check_attention_args(a);
  if (attention_packing_pays(a)) {
    float* packed = pack_buffer(attention_packed_floats(a));
    at::parallel_for(0, a.kv_heads, 1, [&](int64_t begin, int64_t end) {
      for (int64_t g = begin; g < end; ++g) attention_pack_kv(a, g, packed);
    });
    a.packed_k = packed;
    a.packed_v = packed + attention_packed_floats(a) / 2;
  }
  at::parallel_for(0, attention_work_items(a), 1, [&](int64_t begin, int64_t end) {
    for (int64_t item = begin; item < end; ++item) attention_run_item(a, isa, item);
  });
  return out;
}

}  // namespace vlserve::model::kernels
