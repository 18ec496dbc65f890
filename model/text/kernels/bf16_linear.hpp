// libtorch face of the bf16 GEMV kernel: the text decoder's dense() sends CPU linears with bf16
// weights here — decode steps (up to 8 rows: one pass over the weights), and prompt chunks (groups
// of 8 rows per cached column tile) only where the packed AVX2 GEMM is switched off, since
// libtorch's bf16 GEMM without AVX512-BF16 runs at ~1 GFLOP/s. Model-internal (includes ATen).
#pragma once

#include <ATen/ATen.h>

#include "model/text/kernels/bf16_gemv.hpp"

namespace vlserve::model::kernels {

// The kernel dense() uses on this machine: gemv_best_isa(), or none when the environment variable
// VLSERVE_GEMV is "off" (to compare against libtorch). Read once per process.
gemv_isa gemv_linear_isa();

// Most rows dense() sends to the kernel: k_gemv_max_rows where AVX512-BF16 gives libtorch a fast
// bf16 GEMM for prompt chunks, unbounded otherwise.
int64_t gemv_linear_max_rows();

// CPU tensors, x 2-D float32/bf16 with at least one row and column, weight 2-D contiguous bf16
// [N, K] with K = x.size(1), bias undefined or [N]: the shapes both bf16 kernels take.
bool bf16_linear_shapes_fit(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);

// Whether dense() should run x · weightᵀ + bias here: CPU tensors, x 2-D float32/bf16 with 1 to
// gemv_linear_max_rows() rows, weight 2-D contiguous bf16 [N, K] with K = x.size(1), bias
// undefined or [N], and gemv_linear_isa() is not none.
bool gemv_linear_applicable(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);

// x · weightᵀ (+ bias) for any number of rows, result in x's dtype, output columns split over
// at::parallel_for threads. `isa` defaults to gemv_linear_isa(); tests pass each supported one. Throws std::invalid_argument
// when the inputs are not applicable (shapes as above, any row count) or `isa` is not supported here.
at::Tensor gemv_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);
at::Tensor gemv_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                       gemv_isa isa);

}  // namespace vlserve::model::kernels
