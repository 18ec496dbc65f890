// Prompt-sized bf16 linears on CPUs without AVX512-BF16: the weight is widened to float32 once per
// call and the product runs in the BLAS's float32 GEMM (OpenBLAS reaches ~85 % of the FMA peak on
// 2 cores; the 8-row bf16 kernel ~45 %). Widening costs one pass over the weight, which pays back
// from k_widen_min_rows rows on. Model-internal (includes ATen).
#pragma once

#include <ATen/ATen.h>

namespace vlserve::model::kernels {

inline constexpr int64_t k_widen_min_rows = 128;
// Largest weight widened (float32 scratch of 256 MiB); larger ones (the lm_head) stay on the kernel.
inline constexpr int64_t k_widen_max_weights = int64_t(64) << 20;

// False when the environment variable VLSERVE_WIDEN is "off" (to compare with the bf16 kernel).
bool widened_linear_enabled();

// CPU, x 2-D float32/bf16 with >= k_widen_min_rows rows, weight contiguous bf16 [N, K] (at most
// k_widen_max_weights values), bias undefined or [N], and the bf16 kernel in use is AVX2's.
bool widened_linear_applicable(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);

// x · weightᵀ (+ bias) in float32 through the BLAS, returned in x's dtype. The float32 copy of
// the weight lives in a per-thread scratch buffer reused across calls.
at::Tensor widened_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);

}  // namespace vlserve::model::kernels
