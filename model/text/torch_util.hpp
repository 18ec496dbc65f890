// Small libtorch helpers shared by the text decoder (and usable by the vision tower): settings
// strings to device/dtype, checkpoint views to tensors, and the two numerics-sensitive primitives.
// Model-internal: includes ATen, so only model/ sources may include this header.
#pragma once

#include <ATen/ATen.h>

#include <string>

#include "model/checkpoint/tensor_view.hpp"

namespace vlserve::model {

// "cpu", "cuda", "cuda:1". Throws std::invalid_argument with the accepted forms.
at::Device parse_device(const std::string& name);
// "float32" | "bfloat16" | "float16" (also "fp32", "bf16", "fp16", "half"; "auto" = bfloat16,
// the checkpoint's own dtype). Throws std::invalid_argument.
at::ScalarType parse_compute_dtype(const std::string& name);
std::string dtype_name(at::ScalarType t);

// Copies the view's bytes into a fresh tensor with `options` (dtype conversion included), so the
// result does not borrow from the memory map. Throws checkpoint_error for dtypes torch lacks.
at::Tensor tensor_from_view(const tensor_view& v, const at::TensorOptions& options);

// How matrix products are run. OpenBLAS sgemm gives a row a slightly different result depending
// on how many rows share the call and where the row sits (measured ~1e-5 relative), which the sharp
// test fixture amplifies to ~5e-4 in the logits. batch_invariant runs float32 CPU products in fixed
// blocks of k_invariant_rows (zero-padded), where a row's result depends only on the row itself.
struct compute_mode {
  bool batch_invariant = false;
};
inline constexpr int64_t k_invariant_rows = 8;

// A linear layer (x W^T + b) on weights stored [out, in]. For one float32 row on CPU (not batch
// invariant) this is a GEMV through at::mv (OpenBLAS sgemv is ~3x faster than sgemm for M = 1).
// bf16 weights with 1 to 8 rows of x on CPU go through kernels::gemv_linear (bf16_linear.hpp).
at::Tensor dense(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                 compute_mode mode);
// Batched matmul a [B, M, K] x b [B, K, N]; row-blocked like dense() when batch invariant, and
// in float32 for bf16/f16 on CPU (matmul_f32_on_cpu).
at::Tensor batched_matmul(const at::Tensor& a, const at::Tensor& b, compute_mode mode);
// at::matmul, but bf16/f16 operands on CPU are multiplied in float32 and the result cast back:
// libtorch's reduced-precision matmul without AVX512-BF16 runs at ~1 GFLOP/s, and the float32
// product of bf16 inputs is the exact one the bf16 kernels round from anyway. For attention.
at::Tensor matmul_f32_on_cpu(const at::Tensor& a, const at::Tensor& b);

// HF RMSNorm: statistics in float32, normalised value cast back to x's dtype, then times weight.
at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps);

}  // namespace vlserve::model
