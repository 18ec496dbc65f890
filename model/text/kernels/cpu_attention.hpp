// libtorch adapter of the blocked attention kernel (attention_kernel.hpp) for CPU tensors.
// Model-internal (ATen).
#pragma once

#include <ATen/ATen.h>

#include "model/text/kernels/attention_kernel.hpp"

namespace vlserve::model::kernels {

// The ISA the adapter uses: the best this CPU has, or libtorch's path with VLSERVE_ATTENTION=off.
bool cpu_attention_enabled();
attention_isa cpu_attention_isa();

// q [n, heads, d]; k, v [kv_heads, keys, d] (any strides with unit stride on d; all CPU, one dtype,
// float32 or bf16). Whether the kernel takes these tensors.
bool cpu_attention_applicable(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v);

// Returns [n, heads * d] in q's dtype. causal_offset as in attention_args (< 0: no mask).
at::Tensor cpu_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                         int64_t causal_offset, double scale);
at::Tensor cpu_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                         int64_t causal_offset, double scale, attention_isa isa);

}  // namespace vlserve::model::kernels
