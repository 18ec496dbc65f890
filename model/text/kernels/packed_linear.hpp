// Prompt chunks (k_packed_min_rows+ rows) with bf16 weights on CPUs without AVX512-BF16: the packed
// AVX2 GEMM (packed_gemm_avx2.cpp) widens the weight block by block inside L1. It replaced the
// 8-row GEMV kernel (~73 GFLOP/s on the AVX2 EPYC) below 128 rows and, from 128 on, widening the
// whole weight to float32 for OpenBLAS (one extra pass over twice the weight's bytes per call).
// Model-internal (includes ATen).
#pragma once

#include <ATen/ATen.h>

#include "model/text/kernels/packed_gemm_isa_kernels.hpp"

namespace vlserve::model::kernels {

// Fewer rows stay on the GEMV kernel, which reads the weight once for up to 8 of them.
inline constexpr int64_t k_packed_min_rows = 9;

// False when the environment variable VLSERVE_PACKED_GEMM is "off" (to compare with the GEMV
// kernel). Read once per process.
bool packed_linear_enabled();

// Whether prompt chunks take the packed GEMM on this machine: packed_linear_enabled() and the bf16
// kernel in use is AVX2's (with AVX512-BF16, oneDNN's bf16 GEMM runs them).
bool packed_gemm_in_use();

// CPU, x 2-D float32/bf16 with at least k_packed_min_rows rows, weight contiguous bf16 [N, K]
// with K = x.size(1), bias undefined or [N], and packed_gemm_in_use().
bool packed_linear_applicable(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);

// x · weightᵀ (+ bias) with float32 accumulation, returned in x's dtype; output columns split
// over at::parallel_for threads in panels of 16. Throws std::invalid_argument when not applicable
// (the row minimum and VLSERVE_PACKED_GEMM aside).
at::Tensor packed_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);

// The same product for any weight layout the kernel reads (int8_linear passes its int8 rows):
// x [M, K] CPU float32/bf16, `w` with n rows of K inputs, bias undefined or [n]. Checks only that
// the CPU has AVX2 (std::invalid_argument otherwise); the caller vouches for the layout.
at::Tensor packed_product(const at::Tensor& x, const detail::packed_weight& w, int64_t n,
                          const at::Tensor& bias);

}  // namespace vlserve::model::kernels
