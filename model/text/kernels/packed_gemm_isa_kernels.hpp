// Inner loop of the packed GEMM (bf16 or int8 weights), in its own translation unit compiled with
// -mavx2 -mfma (see gemv_isa_kernels.hpp for why such a TU includes nothing else). Internal to
// model/text/kernels: callers use packed_linear.hpp.
#pragma once

#include <cstdint>

namespace vlserve::model::kernels::detail {

inline constexpr int64_t k_packed_gemm_panel_columns = 16;  // output columns per panel: 2 ymm
inline constexpr int64_t k_packed_gemm_depth = 256;  // K per panel: 16 KiB of float32, half an L1
inline constexpr int64_t k_packed_gemm_tile_rows = 6;  // 12 accumulators + 3 of the 16 ymm
// Rows whose packed K block (144 KiB) stays in L2 while every panel of a range passes it.
inline constexpr int64_t k_packed_gemm_block_rows = 144;
inline constexpr int64_t k_packed_gemm_panel_floats = k_packed_gemm_panel_columns * k_packed_gemm_depth;
// Floats of scratch one caller (thread) passes: a panel, then a packed block of rows.
inline constexpr int64_t k_packed_gemm_scratch_floats =
    k_packed_gemm_panel_floats + k_packed_gemm_block_rows * k_packed_gemm_depth;

// The weight W [*, k] a call reads, row-major: exactly one of bf16 / q8 is set. A plain struct (no
// inline functions, see above).
struct packed_weight {
  const uint16_t* bf16 = nullptr;  // bf16 bits, row stride `row_stride`
  const int8_t* q8 = nullptr;      // int8 values; W[n, j] = q8[n, j] * scales[n, j / group]
  const float* scales = nullptr;
  int64_t row_stride = 0;    // stored values per row (>= k)
  int64_t scale_stride = 0;  // scales per row (q8)
  int64_t group = 0;         // inputs per scale (q8): a multiple of 8 dividing k_packed_gemm_depth
};

// y[i, n] = sum_j x[i, j] * W[n, j] for i < m, n in [n_begin, n_end), j < k. x: m rows of float32
// with row stride ldx; y: float32 rows with stride ldy. Threads may call it concurrently on
// disjoint column ranges, each with its own `scratch`: 32-byte aligned, k_packed_gemm_scratch_floats
// long. Needs AVX2 and FMA; m, k >= 1.
void packed_gemm_avx2(const float* x, int64_t m, int64_t ldx, const packed_weight& w, int64_t k,
                      int64_t n_begin, int64_t n_end, float* y, int64_t ldy, float* scratch);

}  // namespace vlserve::model::kernels::detail
