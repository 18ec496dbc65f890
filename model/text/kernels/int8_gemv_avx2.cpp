// AVX2 inner loop of the int8 GEMV. vpmaddubsw multiplies unsigned by signed bytes, so one
// operand goes in as a magnitude and the other carries both signs (vpsignb); |w|, |x| <= 127 keep
// every pair sum (<= 2 * 127 * 127) inside int16. For 1-2 rows the magnitude is |x|, made once
// when the activations are packed (4 ops per 32 weights and row instead of 5); from 3 rows on it
// is |w|, made once per weight load and shared by the rows, which keeps the activation bytes the
// loop reads (and holds in L1) at half. vpmaddwd against ones widens the pairs to int32; a group's
// int32 lanes are converted once per 128 inputs and scaled into float32 accumulators.
// Integer dot products rather than widening int8 to float and FMA: 4 ops per 32 weights and row
// instead of 12. Compiled with -mavx2 -mfma; called after a CPU check.
#include <immintrin.h>

#include "model/text/kernels/int8_gemv_isa_kernels.hpp"

namespace vlserve::model::kernels::detail {
namespace {

constexpr int64_t k_group = 128;    // inputs per scale group (k_q8_group)
constexpr int64_t k_step = 32;      // int8 weights per 256-bit load

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

// M activation rows times the R weight rows n[0..R): M*R int32 group accumulators in registers,
// the float32 totals updated once per group.
template <int M, int R>
void rows_dot(const q8_operands& op, const int64_t (&n)[R], const gemv_output& y) {
  constexpr bool k_abs_x = M <= 2;
  const __m256i ones = _mm256_set1_epi16(1);
  const int8_t* row[R];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) row[r] = op.w + n[r] * op.kp;
  __m256 total[M][R];
#pragma GCC unroll 8
  for (int m = 0; m < M; ++m) {
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) total[m][r] = _mm256_setzero_ps();
  }
  for (int64_t g = 0; g < op.groups; ++g) {
    __m256i acc[M][R];
#pragma GCC unroll 8
    for (int m = 0; m < M; ++m) {
#pragma GCC unroll 8
      for (int r = 0; r < R; ++r) acc[m][r] = _mm256_setzero_si256();
    }
    const int64_t base = g * k_group;
#pragma GCC unroll 4
    for (int64_t kk = base; kk < base + k_group; kk += k_step) {
#pragma GCC unroll 8
      for (int r = 0; r < R; ++r) {
        const __m256i wv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row[r] + kk));
        const __m256i wabs = k_abs_x ? wv : _mm256_sign_epi8(wv, wv);
#pragma GCC unroll 8
        for (int m = 0; m < M; ++m) {
          const __m256i xv =
              _mm256_loadu_si256(reinterpret_cast<const __m256i*>(op.xq + m * op.kp + kk));
          __m256i pairs;
          if (k_abs_x) {
            const __m256i xabs =
                _mm256_loadu_si256(reinterpret_cast<const __m256i*>(op.xabs + m * op.kp + kk));
            pairs = _mm256_maddubs_epi16(xabs, _mm256_sign_epi8(wv, xv));
          } else {
            pairs = _mm256_maddubs_epi16(wabs, _mm256_sign_epi8(xv, wv));
          }
          acc[m][r] = _mm256_add_epi32(acc[m][r], _mm256_madd_epi16(pairs, ones));
        }
      }
    }
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      const float ws = op.wscale[n[r] * op.groups + g];
#pragma GCC unroll 8
      for (int m = 0; m < M; ++m) {
        const __m256 scale = _mm256_set1_ps(op.xscale[m * op.groups + g] * ws);
        total[m][r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(acc[m][r]), scale, total[m][r]);
      }
    }
  }
  for (int m = 0; m < M; ++m) {
    for (int r = 0; r < R; ++r) store(y, m, n[r], lane_sum(total[m][r]));
  }
}

// The column range is cut into R equal stripes that advance in lockstep, one row of each per
// step: R long sequential weight streams per thread. One stream left one core's memory
// parallelism unused, and R adjacent rows (2 KiB each at K = 2048) made R short streams that
// the hardware prefetchers pick up late (measured in CLAUDE.md).
template <int M, int R>
void run(const q8_operands& op, int64_t n_begin, int64_t n_end, const gemv_output& y) {
  const int64_t stripe = (n_end - n_begin) / R;
  for (int64_t i = 0; i < stripe; ++i) {
    int64_t n[R];
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) n[r] = n_begin + r * stripe + i;
    rows_dot<M, R>(op, n, y);
  }
  for (int64_t n = n_begin + R * stripe; n < n_end; ++n) rows_dot<M, 1>(op, {n}, y);
}

}  // namespace

void gemv_q8_rows_avx2(const q8_operands& op, int64_t n_begin, int64_t n_end, const gemv_output& y) {
  switch (op.rows) {
    case 1:
      return run<1, 4>(op, n_begin, n_end, y);
    case 2:
      return run<2, 4>(op, n_begin, n_end, y);
    case 3:
      return run<3, 2>(op, n_begin, n_end, y);
    case 4:
      return run<4, 2>(op, n_begin, n_end, y);
    case 5:
      return run<5, 1>(op, n_begin, n_end, y);
    case 6:
      return run<6, 1>(op, n_begin, n_end, y);
    case 7:
      return run<7, 1>(op, n_begin, n_end, y);
    default:
      return run<8, 1>(op, n_begin, n_end, y);
  }
}

}  // namespace vlserve::model::kernels::detail
