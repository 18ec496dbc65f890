// 8-bit GEMV for decode-sized linear layers: y[M, N] = x[M, K] · Ŵ[N, K]ᵀ where Ŵ is stored as
// symmetric int8 with one float scale per (output row, group of k_q8_group inputs), 1 <= M <= 8.
// Each weight byte is loaded once and used for all M rows, so decode reads 1 byte per weight (half
// of bf16). The activation rows are quantized to int8 per group too (scale = max|x| / 127), so
// the inner loops are integer dot products; a group's int32 sum times x-scale times w-scale is
// added into float32. Torch-free; the libtorch adapter is int8_linear.hpp.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "model/text/kernels/gemv_output.hpp"

namespace vlserve::model::kernels {

// Inputs per scale group. 128 matches the FP8 checkpoints' [128, 128] blocks, so a block scale
// maps onto whole groups; per-group (rather than per-row) scales keep one outlier weight from
// coarsening its whole row (measured error in CLAUDE.md).
inline constexpr int64_t k_q8_group = 128;
inline constexpr int64_t k_q8_max_rows = 8;

enum class q8_isa {
  generic,      // portable C++ (any CPU)
  avx2,         // AVX2: vpmaddubsw on |w| and sign(x, w), vpmaddwd to int32
  avx512_vnni,  // AVX-512 VNNI: vpdpbusd on (w + 128) and x, minus 128 * sum(x) per group
};

std::string_view q8_isa_name(q8_isa isa);
bool q8_isa_supported(q8_isa isa);  // generic is always supported
q8_isa q8_best_isa();

// Columns of K padded to whole groups: the stored weight rows and packed activation rows have
// this many int8 values, zeros past K.
int64_t q8_padded_depth(int64_t k);

// Quantizes n rows of k floats (row r at w + r * k) to int8 rows of q8_padded_depth(k) values and
// q8_padded_depth(k) / k_q8_group scales per row: q = round(w / s), s = max|w in group| / 127
// (s = 0 for an all-zero group). Ŵ = q * s.
void q8_quantize_rows(const float* w, int64_t n, int64_t k, int8_t* q, float* scales);

// The activation rows of one call, quantized per group. Build once per call; share read-only.
class q8_activations {
 public:
  // x: m rows of k floats, row r at x + r * row_stride. Throws std::invalid_argument when m is
  // outside [1, k_q8_max_rows], k < 1, row_stride < k or x is null.
  static q8_activations from_f32(const float* x, int64_t m, int64_t k, int64_t row_stride);

  int64_t rows() const { return m_; }
  int64_t depth() const { return k_; }
  // The value the kernel multiplies by in place of x[r][i]: q * scale (for tests' references).
  float dequantized(int64_t r, int64_t i) const;

 private:
  friend void gemv_q8(q8_isa, const q8_activations&, const int8_t*, const float*, int64_t, int64_t,
                      const gemv_output&);
  q8_activations(int64_t m, int64_t k);

  int64_t m_, k_, kp_, groups_;
  std::vector<int8_t> q_;       // m rows of kp_ values
  std::vector<int8_t> abs_;     // |q_|, for the AVX2 kernel
  std::vector<float> scale_;    // m rows of groups_ scales
  std::vector<int32_t> sum_;    // m rows of groups_ sums of q (for the VNNI bias correction)
};

// Output columns [n_begin, n_end) of y = x · Ŵᵀ. w: int8 rows of q8_padded_depth(x.depth())
// values; scales: groups per row. Threads may call it on disjoint column ranges. Throws
// std::invalid_argument on null pointers, a bad range, a bad output or an unsupported ISA.
void gemv_q8(q8_isa isa, const q8_activations& x, const int8_t* w, const float* scales,
             int64_t n_begin, int64_t n_end, const gemv_output& y);

}  // namespace vlserve::model::kernels
