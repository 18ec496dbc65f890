// bf16 GEMV for decode-sized linear layers: y[M, N] = x[M, K] · W[N, K]ᵀ with W in bf16 (row-major,
// as stored in the checkpoint), x in float32 or bf16, float32 accumulation, 1 <= M <= 8. Each
// weight block is loaded once and used for all M rows, so a small batch costs about one pass over
// W — decode is bound by that pass. Torch-free; the libtorch adapter is bf16_linear.hpp.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "model/text/kernels/gemv_output.hpp"

namespace vlserve::model::kernels {

inline constexpr int64_t k_gemv_max_rows = 8;

// Inner loops, chosen at run time. none: this CPU has neither (callers fall back to libtorch).
enum class gemv_isa {
  none,
  avx2,         // AVX2 + FMA: bf16 widened to float32 by shifts, FMA accumulation
  avx512_bf16,  // AVX512-BF16: vdpbf16ps on bf16 pairs (activations rounded to bf16)
};

std::string_view gemv_isa_name(gemv_isa isa);
// Whether this CPU (and OS) can run `isa`; none is always "supported".
bool gemv_isa_supported(gemv_isa isa);
// The fastest supported ISA on this CPU.
gemv_isa gemv_best_isa();

// The activation rows of one call, repacked (zero-padded, ISA-specific layout) so the inner loop
// reads them with full-width loads. Build once per call; share read-only across threads.
class gemv_activations {
 public:
  // x: m rows of k values, row r at x + r * row_stride. Throws std::invalid_argument when m is
  // outside [1, k_gemv_max_rows], k < 1, row_stride < k, x is null or the ISA is unsupported.
  static gemv_activations from_f32(gemv_isa isa, const float* x, int64_t m, int64_t k,
                                   int64_t row_stride);
  static gemv_activations from_bf16(gemv_isa isa, const uint16_t* x, int64_t m, int64_t k,
                                    int64_t row_stride);

  gemv_isa isa() const { return isa_; }
  int64_t rows() const { return m_; }
  int64_t depth() const { return k_; }

 private:
  friend void gemv_bf16(const gemv_activations&, const uint16_t*, int64_t, int64_t,
                        const gemv_output&);
  gemv_activations(gemv_isa isa, int64_t m, int64_t k);

  gemv_isa isa_;
  int64_t m_, k_, kp_;          // kp_: packed row stride (k rounded up to the block, plus a line)
  std::vector<uint16_t> bf16_;  // avx512_bf16 layout: m rows of kp_ bf16
  std::vector<float> f32_;      // avx2 layout: m rows of kp_ floats, even/odd split per 16
};

// Computes output columns [n_begin, n_end) of y = x · Wᵀ, where w points at W's row 0 (bf16 bits,
// rows of x.depth() elements). Threads may call it concurrently on disjoint column ranges.
// Throws std::invalid_argument on a null pointer, a bad range or a missing/invalid output.
void gemv_bf16(const gemv_activations& x, const uint16_t* w, int64_t n_begin, int64_t n_end,
               const gemv_output& y);

}  // namespace vlserve::model::kernels
