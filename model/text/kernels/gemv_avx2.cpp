// AVX2 + FMA inner loop of the bf16 GEMV, for CPUs without AVX512-BF16. A bf16 value is the top
// half of a float32, so a 32-bit lane holding the pair (w[2j], w[2j+1]) gives w[2j] by a left shift
// of 16 and w[2j+1] by masking off the low half; the activations are pre-split into even and odd
// halves to match. Compiled with -mavx2 -mfma; called only after a CPU check.
#include <immintrin.h>

#include "model/text/kernels/gemv_isa_kernels.hpp"

namespace vlserve::model::kernels::detail {
namespace {

constexpr int64_t k_step = 16;       // bf16 weights per 256-bit load
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

float lane_sum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// One step of 16 weights of R rows against M activation rows; `wv` holds the raw bf16 pairs.
template <int M, int R>
inline void step(__m256 (&acc)[M][R], const __m256i (&wv)[R], const float* xp, int64_t kp,
                 int64_t kk) {
  const __m256i high = _mm256_set1_epi32(int(0xffff0000u));
  __m256 even[R], odd[R];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) {
    even[r] = _mm256_castsi256_ps(_mm256_slli_epi32(wv[r], 16));
    odd[r] = _mm256_castsi256_ps(_mm256_and_si256(wv[r], high));
  }
#pragma GCC unroll 8
  for (int m = 0; m < M; ++m) {
    const __m256 xe = _mm256_loadu_ps(xp + m * kp + kk);
    const __m256 xo = _mm256_loadu_ps(xp + m * kp + kk + 8);
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      acc[m][r] = _mm256_fmadd_ps(even[r], xe, acc[m][r]);
      acc[m][r] = _mm256_fmadd_ps(odd[r], xo, acc[m][r]);
    }
  }
}

// M activation rows times R weight rows starting at n0; M*R accumulators plus 2R unpacked weight
// registers must fit the 16 ymm registers, which is what the R chosen per M below guarantees.
template <int M, int R>
void block(const float* xp, int64_t kp, const uint16_t* w, int64_t k, int64_t n0,
           const gemv_output& y) {
  __m256 acc[M][R];
  const uint16_t* row[R];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) row[r] = w + (n0 + r) * k;
#pragma GCC unroll 8
  for (int m = 0; m < M; ++m) {
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) acc[m][r] = _mm256_setzero_ps();
  }
  const int64_t full = k / k_step * k_step;
  __m256i wv[R];
  for (int64_t kk = 0; kk < full; kk += k_step) {
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      if (kk % 32 == 0) {  // one prefetch per 64-byte line
        _mm_prefetch(reinterpret_cast<const char*>(row[r] + kk + k_prefetch), _MM_HINT_T0);
      }
      wv[r] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row[r] + kk));
    }
    step<M, R>(acc, wv, xp, kp, kk);
  }
  if (full < k) {  // K tail: copy the row's last < 16 weights into a zeroed buffer
    for (int r = 0; r < R; ++r) {
      alignas(32) uint16_t tail[k_step] = {};
      for (int64_t i = 0; i < k - full; ++i) tail[i] = row[r][full + i];
      wv[r] = _mm256_load_si256(reinterpret_cast<const __m256i*>(tail));
    }
    step<M, R>(acc, wv, xp, kp, full);
  }
  for (int m = 0; m < M; ++m) {
    for (int r = 0; r < R; ++r) store(y, m, n0 + r, lane_sum(acc[m][r]));
  }
}

template <int M, int R>
void run(const float* xp, int64_t kp, const uint16_t* w, int64_t k, int64_t n_begin, int64_t n_end,
         const gemv_output& y) {
  int64_t n = n_begin;
  for (; n + R <= n_end; n += R) block<M, R>(xp, kp, w, k, n, y);
  for (; n < n_end; ++n) block<M, 1>(xp, kp, w, k, n, y);
}

}  // namespace

void gemv_rows_avx2(const float* xp, int64_t rows, int64_t kp, const uint16_t* w, int64_t k,
                    int64_t n_begin, int64_t n_end, const gemv_output& y) {
  switch (rows) {
    case 1:
      return run<1, 4>(xp, kp, w, k, n_begin, n_end, y);
    case 2:
      return run<2, 3>(xp, kp, w, k, n_begin, n_end, y);
    case 3:
      return run<3, 2>(xp, kp, w, k, n_begin, n_end, y);
    case 4:
      return run<4, 2>(xp, kp, w, k, n_begin, n_end, y);
    default:  // 5..8 rows: one weight row at a time, still one pass over the weights
      switch (rows) {
        case 5:
          return run<5, 1>(xp, kp, w, k, n_begin, n_end, y);
        case 6:
          return run<6, 1>(xp, kp, w, k, n_begin, n_end, y);
        case 7:
          return run<7, 1>(xp, kp, w, k, n_begin, n_end, y);
        default:
          return run<8, 1>(xp, kp, w, k, n_begin, n_end, y);
      }
  }
}

}  // namespace vlserve::model::kernels::detail
