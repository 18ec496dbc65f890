// AVX512-BF16 inner loop of the bf16 GEMV: `vdpbf16ps` multiplies 32 bf16 pairs and adds them into
// 16 float32 lanes in one instruction. A block of R weight rows is loaded once per 64-byte step and
// used for all M activation rows, so a batch of up to 8 decode rows costs about one weight pass.
// Compiled with -mavx512f -mavx512bf16 -mavx512vl -mavx512bw; called only after a CPU check.
#include <immintrin.h>

#include "model/text/kernels/gemv_isa_kernels.hpp"

namespace vlserve::model::kernels::detail {
namespace {

constexpr int64_t k_lanes = 32;      // bf16 values per 512-bit register (one cache line)
constexpr int64_t k_prefetch = 512;  // how far ahead (in elements, 1 KiB) each row is prefetched

uint16_t to_bf16(float f) {
  uint32_t u;
  __builtin_memcpy(&u, &f, sizeof u);
  if ((u & 0x7fffffffu) > 0x7f800000u) return uint16_t((u >> 16) | 0x40u);  // quiet NaN
  u += 0x7fffu + ((u >> 16) & 1u);  // round to nearest, ties to even
  return uint16_t(u >> 16);
}

void store(const gemv_output& y, int64_t m, int64_t n, float v) {
  if (y.f32 != nullptr) {
    y.f32[m * y.row_stride + n] = v;
  } else {
    y.bf16[m * y.row_stride + n] = to_bf16(v);
  }
}

// M activation rows times R weight rows starting at n0: M*R accumulators plus R weight registers
// must fit the 32 zmm registers, which is what the R chosen per M below guarantees.
template <int M, int R>
void block(const uint16_t* xp, int64_t kp, const uint16_t* w, int64_t k, int64_t n0,
           const gemv_output& y) {
  __m512 acc[M][R];
  const uint16_t* row[R];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) row[r] = w + (n0 + r) * k;
#pragma GCC unroll 8
  for (int m = 0; m < M; ++m) {
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) acc[m][r] = _mm512_setzero_ps();
  }
  const int64_t full = k / k_lanes * k_lanes;
  for (int64_t kk = 0; kk < full; kk += k_lanes) {
    __m512i wv[R];
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      _mm_prefetch(reinterpret_cast<const char*>(row[r] + kk + k_prefetch), _MM_HINT_T0);
      wv[r] = _mm512_loadu_si512(row[r] + kk);
    }
#pragma GCC unroll 8
    for (int m = 0; m < M; ++m) {
      const __m512bh xv = (__m512bh)_mm512_loadu_si512(xp + m * kp + kk);
#pragma GCC unroll 8
      for (int r = 0; r < R; ++r) acc[m][r] = _mm512_dpbf16_ps(acc[m][r], xv, (__m512bh)wv[r]);
    }
  }
  if (full < k) {  // K tail: masked loads read only the row's own elements; x is zero-padded
    const __mmask32 mask = __mmask32((1ull << (k - full)) - 1);
    __m512i wv[R];
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) wv[r] = _mm512_maskz_loadu_epi16(mask, row[r] + full);
#pragma GCC unroll 8
    for (int m = 0; m < M; ++m) {
      const __m512bh xv = (__m512bh)_mm512_loadu_si512(xp + m * kp + full);
#pragma GCC unroll 8
      for (int r = 0; r < R; ++r) acc[m][r] = _mm512_dpbf16_ps(acc[m][r], xv, (__m512bh)wv[r]);
    }
  }
  for (int m = 0; m < M; ++m) {
    for (int r = 0; r < R; ++r) store(y, m, n0 + r, _mm512_reduce_add_ps(acc[m][r]));
  }
}

template <int M, int R>
void run(const uint16_t* xp, int64_t kp, const uint16_t* w, int64_t k, int64_t n_begin,
         int64_t n_end, const gemv_output& y) {
  int64_t n = n_begin;
  for (; n + R <= n_end; n += R) block<M, R>(xp, kp, w, k, n, y);
  for (; n < n_end; ++n) block<M, 1>(xp, kp, w, k, n, y);
}

}  // namespace

void gemv_rows_avx512(const uint16_t* xp, int64_t rows, int64_t kp, const uint16_t* w, int64_t k,
                      int64_t n_begin, int64_t n_end, const gemv_output& y) {
  switch (rows) {
    case 1:
      return run<1, 8>(xp, kp, w, k, n_begin, n_end, y);
    case 2:
      return run<2, 8>(xp, kp, w, k, n_begin, n_end, y);
    case 3:
      return run<3, 6>(xp, kp, w, k, n_begin, n_end, y);
    case 4:
      return run<4, 4>(xp, kp, w, k, n_begin, n_end, y);
    case 5:
      return run<5, 4>(xp, kp, w, k, n_begin, n_end, y);
    case 6:
      return run<6, 4>(xp, kp, w, k, n_begin, n_end, y);
    case 7:
      return run<7, 3>(xp, kp, w, k, n_begin, n_end, y);
    default:
      return run<8, 3>(xp, kp, w, k, n_begin, n_end, y);
  }
}

}  // namespace vlserve::model::kernels::detail
