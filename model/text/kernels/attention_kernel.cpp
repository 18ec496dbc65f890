#include "model/text/kernels/attention_kernel.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace vlserve::model::kernels {
namespace {

[[noreturn]] void reject(const std::string& what) {
  throw std::invalid_argument("attention kernel: " + what);
}

int64_t queries_per_item(const attention_args& a) {
  return std::max<int64_t>(1, k_attention_rows / (a.heads / a.kv_heads));
}

int64_t padded_keys(const attention_args& a) {
  return (a.keys + k_attention_key_block - 1) / k_attention_key_block * k_attention_key_block;
}

}  // namespace

std::string_view attention_isa_name(attention_isa isa) {
  switch (isa) {
    case attention_isa::generic: return "generic";
    case attention_isa::avx2: return "avx2";
    case attention_isa::avx512: return "avx512";
  }
  return "unknown";
}

bool attention_isa_supported(attention_isa isa) {
  switch (isa) {
    case attention_isa::generic: return true;
    case attention_isa::avx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case attention_isa::avx512: return __builtin_cpu_supports("avx512f");
  }
  return false;
}

attention_isa attention_best_isa() {
  if (attention_isa_supported(attention_isa::avx512)) return attention_isa::avx512;
  if (attention_isa_supported(attention_isa::avx2)) return attention_isa::avx2;
  return attention_isa::generic;
}

void check_attention_args(const attention_args& a) {
  if (!a.q || !a.k || !a.v || !a.out) reject("null tensor pointer");
  if (a.queries < 1 || a.keys < 1) reject("needs at least one query and one key");
  if (a.heads < 1 || a.kv_heads < 1 || a.heads % a.kv_heads != 0)
    reject("heads must be a positive multiple of kv_heads");
  if (a.heads / a.kv_heads > k_attention_rows) reject("more query heads per kv head than rows per item");
  if (a.head_dim < 16 || a.head_dim % 16 != 0 || a.head_dim > k_attention_max_head_dim)
    reject("head_dim must be a multiple of 16 up to " + std::to_string(k_attention_max_head_dim));
  if (a.causal_offset >= 0 && a.causal_offset + 1 > a.keys)
    reject("causal offset leaves the first query without keys");
  if ((a.packed_k == nullptr) != (a.packed_v == nullptr)) reject("packed K without packed V");
}

int64_t attention_work_items(const attention_args& a) {
  const int64_t per = queries_per_item(a);
  return a.kv_heads * ((a.queries + per - 1) / per);
}

bool attention_packing_pays(const attention_args& a) { return a.queries > queries_per_item(a); }

int64_t attention_packed_floats(const attention_args& a) {
  return 2 * a.kv_heads * padded_keys(a) * a.head_dim;
}

void attention_pack_kv(const attention_args& a, int64_t g, float* packed) {
  if (g < 0 || g >= a.kv_heads || packed == nullptr) reject("bad kv head or buffer to pack");
  detail::attention_pack_kv_generic(a, g, packed, packed + attention_packed_floats(a) / 2);
}

void attention_run_item(const attention_args& a, attention_isa isa, int64_t item) {
  const int64_t per = queries_per_item(a), blocks = (a.queries + per - 1) / per;
  if (item < 0 || item >= a.kv_heads * blocks) reject("work item out of range");
  // Query blocks alternate from both ends (0, last, 1, last - 1, ...): under a causal mask later
  // blocks cost more, and at::parallel_for hands each thread a contiguous range of items.
  const int64_t g = item % a.kv_heads, pos = item / a.kv_heads;
  const int64_t block = pos % 2 == 0 ? pos / 2 : blocks - 1 - pos / 2;
  const int64_t q0 = block * per, q1 = std::min(a.queries, q0 + per);
  switch (isa) {
    case attention_isa::avx512: return detail::attention_item_avx512(a, g, q0, q1);
    case attention_isa::avx2: return detail::attention_item_avx2(a, g, q0, q1);
    case attention_isa::generic: return detail::attention_item_generic(a, g, q0, q1);
  }
}

}  // namespace vlserve::model::kernels
