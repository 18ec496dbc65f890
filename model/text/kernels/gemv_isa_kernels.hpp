// Inner loops of the bf16 GEMV, one per instruction set, each in its own translation unit compiled
// with that ISA's -m flags. Internal to model/text/kernels: callers use bf16_gemv.hpp.
//
// Why these TUs include nothing but <immintrin.h> and this header: an inline or template function
// (std::min, a std::vector member) instantiated in an AVX-512 TU is emitted as a COMDAT symbol, and
// the linker may keep that copy for every caller — the generic build would then run AVX-512 code
// on a CPU without it. Everything in the ISA TUs lives in an anonymous namespace instead.
#pragma once

#include <cstdint>

#include "model/text/kernels/gemv_output.hpp"

namespace vlserve::model::kernels::detail {

// y[m, n] = sum_k x[m, k] * w[n, k] for m < rows, n in [n_begin, n_end). w: bf16 bits, row-major
// [*, k] with row stride k. Accumulation in float32. Preconditions (checked by the dispatcher):
// 1 <= rows <= 8, k >= 1, 0 <= n_begin <= n_end.

// xp: `rows` rows of bf16 values, row stride kp (>= k rounded up to 32), zero-padded from k on.
// Needs AVX512-BF16.
void gemv_rows_avx512(const uint16_t* xp, int64_t rows, int64_t kp, const uint16_t* w, int64_t k,
                      int64_t n_begin, int64_t n_end, const gemv_output& y);

// xp: `rows` rows of floats, row stride kp (>= k rounded up to 16), zero-padded, each block of
// 16 stored as its 8 even-index values then its 8 odd-index values (matching how one 32-bit lane
// holds a pair of bf16 weights). Needs AVX2 and FMA.
void gemv_rows_avx2(const float* xp, int64_t rows, int64_t kp, const uint16_t* w, int64_t k,
                    int64_t n_begin, int64_t n_end, const gemv_output& y);

}  // namespace vlserve::model::kernels::detail
