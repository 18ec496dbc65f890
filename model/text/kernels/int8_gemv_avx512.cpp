// AVX-512 VNNI inner loop of the int8 GEMV: vpdpbusd multiplies 64 unsigned-by-signed byte pairs
// and adds each four into an int32 lane, one instruction per 64 weights and activation row. Its
// first operand must be unsigned, so the weights go in as w + 128 (an xor of the sign bit) and
// each group's accumulator starts at -128 * sum(x) to cancel the bias: sum((w + 128) x) - 128
// sum(x) = sum(w x). Compiled with -mavx512f -mavx512bw -mavx512vnni; called after a CPU check.
#include <immintrin.h>

#include "model/text/kernels/int8_gemv_isa_kernels.hpp"

namespace vlserve::model::kernels::detail {
namespace {

constexpr int64_t k_group = 128;      // inputs per scale group (k_q8_group)
constexpr int64_t k_step = 64;        // int8 weights per 512-bit load (one cache line)
constexpr int64_t k_prefetch = 1024;  // bytes ahead in the same weight row

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

template <int M, int R>
void block(const q8_operands& op, int64_t n0, const gemv_output& y) {
  const __m512i sign_bits = _mm512_set1_epi8(char(0x80));
  const int8_t* row[R];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) row[r] = op.w + (n0 + r) * op.kp;
  __m512 total[M][R];
#pragma GCC unroll 8
  for (int m = 0; m < M; ++m) {
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) total[m][r] = _mm512_setzero_ps();
  }
  for (int64_t g = 0; g < op.groups; ++g) {
    __m512i acc[M][R];
#pragma GCC unroll 8
    for (int m = 0; m < M; ++m) {
      const __m512i bias = _mm512_zextsi128_si512(_mm_cvtsi32_si128(-128 * op.xsum[m * op.groups + g]));
#pragma GCC unroll 8
      for (int r = 0; r < R; ++r) acc[m][r] = bias;
    }
    const int64_t base = g * k_group;
#pragma GCC unroll 2
    for (int64_t kk = base; kk < base + k_group; kk += k_step) {
#pragma GCC unroll 8
      for (int r = 0; r < R; ++r) {
        _mm_prefetch(reinterpret_cast<const char*>(row[r] + kk + k_prefetch), _MM_HINT_T0);
        const __m512i wu = _mm512_xor_si512(
            _mm512_loadu_si512(reinterpret_cast<const void*>(row[r] + kk)), sign_bits);
#pragma GCC unroll 8
        for (int m = 0; m < M; ++m) {
          const __m512i xv = _mm512_loadu_si512(reinterpret_cast<const void*>(op.xq + m * op.kp + kk));
          acc[m][r] = _mm512_dpbusd_epi32(acc[m][r], wu, xv);
        }
      }
    }
#pragma GCC unroll 8
    for (int m = 0; m < M; ++m) {
      const float xs = op.xscale[m * op.groups + g];
#pragma GCC unroll 8
      for (int r = 0; r < R; ++r) {
        const __m512 scale = _mm512_set1_ps(xs * op.wscale[(n0 + r) * op.groups + g]);
        total[m][r] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc[m][r]), scale, total[m][r]);
      }
    }
  }
  for (int m = 0; m < M; ++m) {
    for (int r = 0; r < R; ++r) store(y, m, n0 + r, _mm512_reduce_add_ps(total[m][r]));
  }
}

template <int M, int R>
void run(const q8_operands& op, int64_t n_begin, int64_t n_end, const gemv_output& y) {
  int64_t n = n_begin;
  for (; n + R <= n_end; n += R) block<M, R>(op, n, y);
  for (; n < n_end; ++n) block<M, 1>(op, n, y);
}

}  // namespace

void gemv_q8_rows_avx512_vnni(const q8_operands& op, int64_t n_begin, int64_t n_end,
                              const gemv_output& y) {
  switch (op.rows) {
    case 1:
    case 2:
      return op.rows == 1 ? run<1, 4>(op, n_begin, n_end, y) : run<2, 4>(op, n_begin, n_end, y);
    case 3:
      return run<3, 3>(op, n_begin, n_end, y);
    case 4:
      return run<4, 3>(op, n_begin, n_end, y);
    case 5:
      return run<5, 2>(op, n_begin, n_end, y);
    case 6:
      return run<6, 2>(op, n_begin, n_end, y);
    case 7:
      return run<7, 1>(op, n_begin, n_end, y);
    default:
      return run<8, 1>(op, n_begin, n_end, y);
  }
}

}  // namespace vlserve::model::kernels::detail
