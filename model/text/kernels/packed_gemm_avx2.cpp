// AVX2 + FMA GEMM for prompt chunks with bf16 or int8 (per-group scaled) weights:
// y[M, N] = x[M, K] · W[N, K]ᵀ, x and y in float32. Compiled with -mavx2 -mfma; called only after
// a CPU check.
//
// Why its own kernel: the 8-row GEMV loop is load-bound (one activation load per FMA) and peaks
// near half the FMA rate, and widening the whole weight to float32 for the BLAS costs a pass over
// 2x the weight bytes on every call. Here a block of 16 weight rows x k_depth columns is widened
// and transposed into a small float32 panel that stays in L1, and each register tile of 6
// activation rows x 16 output columns does 12 FMAs per 2 panel loads and 6 broadcasts.
//
// Loop order (per thread, over its own column range): blocks of up to 144 rows, then K blocks, so
// the packed activation block x[rows, k0 .. k0+k_depth) (144 KiB) stays in L2 while every panel
// of the range is packed and multiplied against it; partial sums live in y between K blocks.
#include <immintrin.h>

#include "model/text/kernels/packed_gemm_isa_kernels.hpp"

namespace vlserve::model::kernels::detail {
namespace {

constexpr int64_t k_panel = k_packed_gemm_panel_columns;
constexpr int64_t k_depth = k_packed_gemm_depth;
constexpr int64_t k_tile_rows = k_packed_gemm_tile_rows;
static_assert(k_panel == 16, "the tile keeps a panel row in two ymm registers");

// bf16 rows: a bf16 value is the top half of a float32, so a shift widens it exactly.
struct bf16_rows {
  const uint16_t* w;
  int64_t stride;

  const uint16_t* row(int64_t n, int64_t k0) const { return w + n * stride + k0; }
  __m256 load8(int64_t n, int64_t k0, int64_t kk) const {
    const __m256i v = _mm256_cvtepu16_epi32(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(row(n, k0) + kk)));
    return _mm256_castsi256_ps(_mm256_slli_epi32(v, 16));
  }
  float load1(int64_t n, int64_t k0, int64_t kk) const {
    const uint32_t bits = uint32_t(row(n, k0)[kk]) << 16;
    float f;
    __builtin_memcpy(&f, &bits, sizeof f);
    return f;
  }
};

// int8 rows with a float scale per group of inputs: value times scale, one rounding, the same
// float32 weight dequantize_int8 gives. 8 consecutive inputs never straddle a group.
struct q8_rows {
  const int8_t* w;
  const float* scales;
  int64_t stride, scale_stride, group;

  float scale(int64_t n, int64_t j) const { return scales[n * scale_stride + j / group]; }
  __m256 load8(int64_t n, int64_t k0, int64_t kk) const {
    const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(w + n * stride + k0 + kk));
    const __m256 f = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(b));
    return _mm256_mul_ps(f, _mm256_set1_ps(scale(n, k0 + kk)));
  }
  float load1(int64_t n, int64_t k0, int64_t kk) const {
    return float(w[n * stride + k0 + kk]) * scale(n, k0 + kk);
  }
};

// r[i] holds 8 consecutive K values of row i; afterwards r[j] holds K value j of rows 0..7.
void transpose8(__m256 (&r)[8]) {
  const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
  const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
  const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
  const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
  const __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xee);
  const __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xee);
  const __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xee);
  const __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xee);
  r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
  r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
  r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
  r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
  r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
  r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
  r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
  r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

// panel[kk * 16 + c] = W[n0 + c, k0 + kk] as float32 for kk < kc, c < 16; columns at or past
// `cols` (the ragged end of a range) are zero.
template <typename Rows>
void pack(const Rows& w, int64_t n0, int64_t cols, int64_t k0, int64_t kc, float* panel) {
  const int64_t full = kc / 8 * 8;
  for (int64_t half = 0; half < k_panel; half += 8) {
    const int64_t present = cols - half < 0 ? 0 : (cols - half < 8 ? cols - half : 8);
    for (int64_t kk = 0; kk < full; kk += 8) {
      __m256 r[8];
      for (int i = 0; i < 8; ++i) {
        r[i] = i < present ? w.load8(n0 + half + i, k0, kk) : _mm256_setzero_ps();
      }
      transpose8(r);
      for (int j = 0; j < 8; ++j) _mm256_store_ps(panel + (kk + j) * k_panel + half, r[j]);
    }
    for (int64_t kk = full; kk < kc; ++kk) {
      for (int64_t i = 0; i < 8; ++i) {
        panel[kk * k_panel + half + i] = i < present ? w.load1(n0 + half + i, k0, kk) : 0.0f;
      }
    }
  }
}

// xpack[(t * kc + kk) * 6 + r] = x[t * 6 + r, k0 + kk]: each tile's rows interleaved, so the tile
// reads its broadcasts from one sequential stream. Rows of x are K floats apart (8 KiB at
// K = 2,048); read in place, a tile's 6 rows all fall into the same L1 set and the kernel ran at
// ~60 % of this layout's rate.
void pack_rows(const float* x, int64_t m, int64_t ldx, int64_t k0, int64_t kc, float* xpack) {
  for (int64_t r0 = 0; r0 < m; r0 += k_tile_rows) {
    const int64_t rows = r0 + k_tile_rows <= m ? k_tile_rows : m - r0;
    float* dst = xpack + r0 * kc;
    for (int64_t r = 0; r < rows; ++r) {
      const float* src = x + (r0 + r) * ldx + k0;
      for (int64_t kk = 0; kk < kc; ++kk) dst[kk * k_tile_rows + r] = src[kk];
    }
  }
}

// R rows of x (packed by pack_rows) times one panel over kc, into y's R x cols block at c (row
// stride ldc): stored on the first K block, added afterwards.
template <int R>
void tile(const float* a, const float* panel, int64_t kc, float* c, int64_t ldc, int64_t cols,
          bool first) {
  __m256 acc[R][2];
#pragma GCC unroll 6
  for (int r = 0; r < R; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
#pragma GCC unroll 4
  for (int64_t kk = 0; kk < kc; ++kk) {
    const __m256 w0 = _mm256_load_ps(panel + kk * k_panel);
    const __m256 w1 = _mm256_load_ps(panel + kk * k_panel + 8);
#pragma GCC unroll 6
    for (int r = 0; r < R; ++r) {
      const __m256 b = _mm256_broadcast_ss(a + kk * k_tile_rows + r);
      acc[r][0] = _mm256_fmadd_ps(b, w0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(b, w1, acc[r][1]);
    }
  }
  if (cols == k_panel) {
#pragma GCC unroll 6
    for (int r = 0; r < R; ++r) {
      float* out = c + r * ldc;
      if (!first) {
        acc[r][0] = _mm256_add_ps(acc[r][0], _mm256_loadu_ps(out));
        acc[r][1] = _mm256_add_ps(acc[r][1], _mm256_loadu_ps(out + 8));
      }
      _mm256_storeu_ps(out, acc[r][0]);
      _mm256_storeu_ps(out + 8, acc[r][1]);
    }
    return;
  }
  // Ragged panel: only `cols` columns exist in y. Unrolled like the loops above: an accumulator
  // indexed by a run-time r would force the whole array out of registers into the stack.
#pragma GCC unroll 6
  for (int r = 0; r < R; ++r) {
    alignas(32) float sums[k_panel];
    _mm256_store_ps(sums, acc[r][0]);
    _mm256_store_ps(sums + 8, acc[r][1]);
    float* out = c + r * ldc;
    for (int64_t j = 0; j < cols; ++j) out[j] = first ? sums[j] : out[j] + sums[j];
  }
}

void tiles(const float* xpack, int64_t m, const float* panel, int64_t kc, float* y, int64_t ldy,
           int64_t cols, bool first) {
  int64_t r = 0;
  for (; r + k_tile_rows <= m; r += k_tile_rows) {
    tile<k_tile_rows>(xpack + r * kc, panel, kc, y + r * ldy, ldy, cols, first);
  }
  const float* a = xpack + r * kc;
  float* c = y + r * ldy;
  switch (m - r) {
    case 5: return tile<5>(a, panel, kc, c, ldy, cols, first);
    case 4: return tile<4>(a, panel, kc, c, ldy, cols, first);
    case 3: return tile<3>(a, panel, kc, c, ldy, cols, first);
    case 2: return tile<2>(a, panel, kc, c, ldy, cols, first);
    case 1: return tile<1>(a, panel, kc, c, ldy, cols, first);
    default: return;
  }
}

template <typename Rows>
void run(const float* x, int64_t m, int64_t ldx, const Rows& w, int64_t k, int64_t n_begin,
         int64_t n_end, float* y, int64_t ldy, float* scratch) {
  float* panel = scratch;
  float* xpack = scratch + k_packed_gemm_panel_floats;
  for (int64_t m0 = 0; m0 < m; m0 += k_packed_gemm_block_rows) {
    const int64_t rows = m0 + k_packed_gemm_block_rows < m ? k_packed_gemm_block_rows : m - m0;
    for (int64_t k0 = 0; k0 < k; k0 += k_depth) {
      const int64_t kc = k0 + k_depth < k ? k_depth : k - k0;
      pack_rows(x + m0 * ldx, rows, ldx, k0, kc, xpack);
      for (int64_t n0 = n_begin; n0 < n_end; n0 += k_panel) {
        const int64_t cols = n0 + k_panel < n_end ? k_panel : n_end - n0;
        pack(w, n0, cols, k0, kc, panel);
        tiles(xpack, rows, panel, kc, y + m0 * ldy + n0, ldy, cols, k0 == 0);
      }
    }
  }
}

}  // namespace

void packed_gemm_avx2(const float* x, int64_t m, int64_t ldx, const packed_weight& w, int64_t k,
                      int64_t n_begin, int64_t n_end, float* y, int64_t ldy, float* scratch) {
  if (w.q8 != nullptr) {
    run(x, m, ldx, q8_rows{w.q8, w.scales, w.row_stride, w.scale_stride, w.group}, k, n_begin,
        n_end, y, ldy, scratch);
  } else {
    run(x, m, ldx, bf16_rows{w.bf16, w.row_stride}, k, n_begin, n_end, y, ldy, scratch);
  }
}

}  // namespace vlserve::model::kernels::detail
