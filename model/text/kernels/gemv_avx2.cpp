// AVX2 + FMA inner loop of the bf16 GEMV, for CPUs without AVX512-BF16. A bf16 value is the top
// half of a float32, so a 32-bit lane holding the pair (w[2j], w[2j+1]) gives w[2j] by a left shift
// of 16 and w[2j+1] by masking off the low half; the activations are pre-split into even and odd
// halves to match. Compiled with -mavx2 -mfma; called only after a CPU check.
//
// Blocking: the columns of a call are done in tiles of k_tile_columns, and each tile walks K in
// chunks sized so the chunk's activation rows (M x chunk floats) stay in L1 while every weight row
// of the tile streams past them once. Without the chunks, 8 rows of K = 2048 floats (64 KiB) are
// re-read from L2 for every weight row and M = 8 ran at ~3 GB/s of weights against ~11 at M = 1.
#include <immintrin.h>

#include "model/text/kernels/gemv_isa_kernels.hpp"

namespace vlserve::model::kernels::detail {
namespace {

constexpr int64_t k_step = 16;             // bf16 weights per 256-bit load
constexpr int64_t k_tile_columns = 48;     // output columns whose partial sums are kept per tile
constexpr int64_t k_chunk_bytes = 16384;   // activation bytes per K chunk (half of a 32 KiB L1)

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

// Where one K chunk of a block reads and prefetches. `pf_ahead` is how far (in elements) past
// the current weight position the prefetch points: R rows down when K is split into chunks (the
// rows the next block streams, which the hardware cannot guess), none when one chunk covers K
// (the rows are then read straight through, and a prefetch 1 KiB ahead in the same row cost
// 20-30 % at M = 1 in gemv_bench on the AVX2 EPYC: the hardware prefetchers already had it).
struct chunk {
  int64_t begin, end;  // [begin, end) of K; end - begin is a multiple of k_step except at K's end
  int64_t pf_ahead;    // 0: no software prefetch
};

// M activation rows times R weight rows starting at n0, over one K chunk; adds the partial dot
// products into part[m * k_tile_columns + col + r] (set, not added, on the first chunk).
// M*R accumulators plus 2R unpacked weight registers must fit the 16 ymm registers, which is
// what the R chosen per M below guarantees.
template <int M, int R>
void block(const float* xp, int64_t kp, const uint16_t* w, int64_t k, int64_t n0, const chunk& c,
           bool first, float* part, int64_t col) {
  __m256 acc[M][R];
  const uint16_t* row[R];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) row[r] = w + (n0 + r) * k;
#pragma GCC unroll 8
  for (int m = 0; m < M; ++m) {
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) acc[m][r] = _mm256_setzero_ps();
  }
  const int64_t full = c.begin + (c.end - c.begin) / k_step * k_step;
  __m256i wv[R];
  for (int64_t kk = c.begin; kk < full; kk += k_step) {
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      if (c.pf_ahead != 0 && kk % 32 == 0) {  // one prefetch per 64-byte line
        _mm_prefetch(reinterpret_cast<const char*>(row[r] + kk + c.pf_ahead), _MM_HINT_T0);
      }
      wv[r] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row[r] + kk));
    }
    step<M, R>(acc, wv, xp, kp, kk);
  }
  if (full < c.end) {  // K tail: copy the row's last < 16 weights into a zeroed buffer
    for (int r = 0; r < R; ++r) {
      alignas(32) uint16_t tail[k_step] = {};
      for (int64_t i = 0; i < c.end - full; ++i) tail[i] = row[r][full + i];
      wv[r] = _mm256_load_si256(reinterpret_cast<const __m256i*>(tail));
    }
    step<M, R>(acc, wv, xp, kp, full);
  }
  for (int m = 0; m < M; ++m) {
    for (int r = 0; r < R; ++r) {
      float& p = part[m * k_tile_columns + col + r];
      p = first ? lane_sum(acc[m][r]) : p + lane_sum(acc[m][r]);
    }
  }
}

template <int M, int R>
void run(const float* xp, int64_t kp, const uint16_t* w, int64_t k, int64_t n_begin, int64_t n_end,
         const gemv_output& y) {
  // Chunk length: k_chunk_bytes of activations over M rows, a whole number of steps.
  const int64_t per_chunk = (k_chunk_bytes / (4 * M)) / k_step * k_step;
  const bool single = per_chunk >= k;
  float part[M * k_tile_columns];
  for (int64_t t0 = n_begin; t0 < n_end; t0 += k_tile_columns) {
    const int64_t t1 = t0 + k_tile_columns < n_end ? t0 + k_tile_columns : n_end;
    for (int64_t kb = 0; kb < k; kb += per_chunk) {
      const chunk c{kb, kb + per_chunk < k ? kb + per_chunk : k, single ? 0 : R * k};
      int64_t n = t0;
      for (; n + R <= t1; n += R) block<M, R>(xp, kp, w, k, n, c, kb == 0, part, n - t0);
      for (; n < t1; ++n) block<M, 1>(xp, kp, w, k, n, c, kb == 0, part, n - t0);
    }
    for (int m = 0; m < M; ++m) {
      for (int64_t n = t0; n < t1; ++n) store(y, m, n, part[m * k_tile_columns + (n - t0)]);
    }
  }
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

}  // namespace vlserve::model::kernels::detail
