// libtorch face of the int8 GEMV: linear layers whose weights were quantized at load time
// (WEIGHT_QUANT=int8, or an FP8 checkpoint under WEIGHT_QUANT=fp8). Decode steps run the 8-bit
// kernel (1 byte per weight); prompt chunks take the packed AVX2 GEMM (packed_linear.hpp) where
// bf16 chunks do, and elsewhere from k_dequant_min_rows rows dequantize the weight into a float32
// scratch for the BLAS GEMM. Model-internal (ATen).
#pragma once

#include <ATen/ATen.h>

#include "model/text/kernels/int8_gemv.hpp"

namespace vlserve::model::kernels {

// Rows from which a prompt chunk dequantizes the weight for the BLAS (one pass over the weight
// pays back there), and the largest weight dequantized (float32 scratch of 256 MiB); larger ones
// (the lm_head) stay on the kernel.
inline constexpr int64_t k_dequant_min_rows = 128;
inline constexpr int64_t k_dequant_max_weights = int64_t(64) << 20;

// A linear layer's weight [out, in] as int8 values and float scales, per (row, group of 128).
struct int8_weight {
  at::Tensor values;  // int8 [out, q8_padded_depth(in)], zeros past `in`
  at::Tensor scales;  // float32 [out, q8_padded_depth(in) / k_q8_group]
  int64_t in_features = 0;

  bool defined() const { return values.defined(); }
  int64_t out_features() const { return values.size(0); }
  int64_t nbytes() const { return values.nbytes() + scales.nbytes(); }
};

// Quantizes a [out, in] float32/bf16/f16 CPU weight (rows split over threads).
int8_weight quantize_int8(const at::Tensor& weight);
// Ŵ = values * scales as a [out, in] tensor of `dtype`.
at::Tensor dequantize_int8(const int8_weight& w, at::ScalarType dtype);

// The ISA int8_linear uses on this machine: q8_best_isa(). Read once per process.
q8_isa int8_linear_isa();

// x [M, in] (float32/bf16, CPU) · Ŵᵀ (+ bias [out]) in x's dtype. `batch_invariant` keeps every
// row on the kernel (a row's result then depends only on that row, not on how many came with it).
// Throws std::invalid_argument on mismatched shapes.
at::Tensor int8_linear(const at::Tensor& x, const int8_weight& w, const at::Tensor& bias,
                       bool batch_invariant);
// The kernel path for any number of rows (groups of 8), on `isa`; tests pass each supported one.
at::Tensor int8_linear_kernel(const at::Tensor& x, const int8_weight& w, const at::Tensor& bias,
                              q8_isa isa);

}  // namespace vlserve::model::kernels
