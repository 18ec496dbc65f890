// Blocked attention with a streaming softmax for CPU prompts and decode steps: the score matrix is
// never materialised (a block of 32 keys at a time), so memory stays a few hundred KiB per thread
// however long the prompt is. Inputs and output in float32 or bf16; all arithmetic in float32.
// Torch-free; the libtorch adapter is cpu_attention.hpp.
//
// Each query row is reduced over its keys in the same order (blocks of 32 from key 0) whatever
// the other rows are, so a row's result does not depend on how the prompt was chunked or batched.
#pragma once

#include <cstdint>
#include <string_view>

#include "model/text/kernels/attention_args.hpp"

namespace vlserve::model::kernels {

enum class attention_isa {
  generic,  // 128-bit vectors (SSE2 on x86-64): runs on every CPU
  avx2,     // AVX2 + FMA
  avx512,   // AVX-512F
};

std::string_view attention_isa_name(attention_isa isa);
bool attention_isa_supported(attention_isa isa);
attention_isa attention_best_isa();

// Throws std::invalid_argument naming the first bad field (null pointer, head_dim not a multiple
// of 16 or over k_attention_max_head_dim, heads not a multiple of kv_heads, ...).
void check_attention_args(const attention_args& a);

// Independent work items (kv head x block of queries); any of them may run concurrently.
// Items are ordered so that any contiguous half of them holds about half of the causal work.
int64_t attention_work_items(const attention_args& a);
void attention_run_item(const attention_args& a, attention_isa isa, int64_t item);

// Packing K and V once per call pays when a kv head's queries span more than one work item (a
// prompt, a vision frame): every item would otherwise widen and transpose the same keys again.
// Decode steps (one item per kv head) read them in place.
bool attention_packing_pays(const attention_args& a);
// Floats the packed K and V of all kv heads take: 2 x kv_heads x keys rounded up to whole blocks
// x head_dim.
int64_t attention_packed_floats(const attention_args& a);
// Writes kv head g's share of the packed K and V into `packed` (attention_packed_floats floats,
// shared by all heads; heads may be packed concurrently). Afterwards set a.packed_k = packed and
// a.packed_v = packed + attention_packed_floats(a) / 2.
void attention_pack_kv(const attention_args& a, int64_t g, float* packed);

}  // namespace vlserve::model::kernels
