// The plain description of one attention problem, shared by the dispatcher and the per-ISA inner
// loops (which may include nothing else: see gemv_isa_kernels.hpp for why).
#pragma once

#include <cstdint>

namespace vlserve::model::kernels {

inline constexpr int64_t k_attention_max_head_dim = 256;
inline constexpr int64_t k_attention_rows = 64;  // query rows (heads x queries) per work item
inline constexpr int64_t k_attention_key_block = 32;  // keys per streaming-softmax step

enum class attention_dtype { f32, bf16 };

// Strides count elements. Query i of head h is at q + i * q_row_stride + h * q_head_stride (its
// head_dim values contiguous); key j of kv head g at k + j * k_row_stride + g * k_head_stride;
// likewise v and out. Query head h reads kv head h / (heads / kv_heads).
struct attention_args {
  attention_dtype dtype = attention_dtype::f32;  // q, k, v and out alike
  const void* q = nullptr;
  int64_t q_row_stride = 0, q_head_stride = 0;
  const void* k = nullptr;
  int64_t k_row_stride = 0, k_head_stride = 0;
  const void* v = nullptr;
  int64_t v_row_stride = 0, v_head_stride = 0;
  void* out = nullptr;
  int64_t out_row_stride = 0, out_head_stride = 0;
  int64_t queries = 0, heads = 0, kv_heads = 0, head_dim = 0, keys = 0;
  // < 0: every query sees every key. Otherwise query i sees keys 0 .. causal_offset + i (the
  // query's own cache index when the first query sits at cache index causal_offset).
  int64_t causal_offset = -1;
  float scale = 1.0f;
  // Optional: K and V already widened to float32 in the kernel's block layout (attention_pack_kv),
  // so work items read them in place instead of each converting (and transposing) its own copy.
  // packed_k: per kv head, per block of k_attention_key_block keys, head_dim rows of the block's
  // keys (the block transposed); packed_v: per kv head, one row of head_dim per key. Keys are
  // rounded up to whole blocks with zeros. Both set or both null.
  const float* packed_k = nullptr;
  const float* packed_v = nullptr;
};

namespace detail {
// One work item: kv head g, queries [q_begin, q_end) of every head that reads g
// ((q_end - q_begin) * group <= k_attention_rows).
void attention_item_generic(const attention_args& a, int64_t g, int64_t q_begin, int64_t q_end);
void attention_item_avx2(const attention_args& a, int64_t g, int64_t q_begin, int64_t q_end);
void attention_item_avx512(const attention_args& a, int64_t g, int64_t q_begin, int64_t q_end);
// Kv head g's K and V in the packed layout (written once, in attention_generic.cpp's build).
void attention_pack_kv_generic(const attention_args& a, int64_t g, float* packed_k, float* packed_v);
}  // namespace detail

}  // namespace vlserve::model::kernels
