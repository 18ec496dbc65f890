#include "model/text/kernels/bf16_gemv.hpp"

#include <cstring>
#include <stdexcept>
#include <string>

#include "model/text/kernels/gemv_isa_kernels.hpp"

namespace vlserve::model::kernels {
namespace {

// Block sizes of the two layouts (see gemv_isa_kernels.hpp).
constexpr int64_t k_avx512_block = 32;
constexpr int64_t k_avx2_block = 16;

int64_t round_up(int64_t v, int64_t to) { return (v + to - 1) / to * to; }

// Row stride of the packed activations: k rounded up to the ISA's block, plus one 64-byte line.
// Without the extra line, K = 2048 puts every row 4 KiB apart, all in the same L1 set as each
// other and as the weight rows (also 4 KiB apart); measured 5-15% slower at M = 4..8.
int64_t row_stride_for(gemv_isa isa, int64_t k) {
  return isa == gemv_isa::avx512_bf16 ? round_up(k, k_avx512_block) + 32
                                      : round_up(k, k_avx2_block) + 16;
}

float bf16_to_f32(uint16_t b) {
  const uint32_t u = uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

uint16_t f32_to_bf16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  if ((u & 0x7fffffffu) > 0x7f800000u) return uint16_t((u >> 16) | 0x40u);  // quiet NaN
  u += 0x7fffu + ((u >> 16) & 1u);  // round to nearest, ties to even
  return uint16_t(u >> 16);
}

void check_shape(gemv_isa isa, const void* x, int64_t m, int64_t k, int64_t row_stride) {
  if (isa == gemv_isa::none || !gemv_isa_supported(isa)) {
    throw std::invalid_argument("gemv: ISA " + std::string(gemv_isa_name(isa)) +
                                " is not available on this CPU; use gemv_best_isa()");
  }
  if (x == nullptr) throw std::invalid_argument("gemv: activation pointer is null");
  if (m < 1 || m > k_gemv_max_rows) {
    throw std::invalid_argument("gemv: " + std::to_string(m) +
                                " activation rows; the kernel takes 1 to " +
                                std::to_string(k_gemv_max_rows) + " (use a GEMM for more)");
  }
  if (k < 1 || row_stride < k) {
    throw std::invalid_argument("gemv: depth " + std::to_string(k) + " with row stride " +
                                std::to_string(row_stride) + " (need depth >= 1, stride >= depth)");
  }
}

}  // namespace

std::string_view gemv_isa_name(gemv_isa isa) {
  switch (isa) {
    case gemv_isa::none:
      return "none";
    case gemv_isa::avx2:
      return "avx2";
    case gemv_isa::avx512_bf16:
      return "avx512_bf16";
  }
  return "unknown";
}

bool gemv_isa_supported(gemv_isa isa) {
  // __builtin_cpu_supports also checks that the OS saves the wider register state (XCR0).
  switch (isa) {
    case gemv_isa::none:
      return true;
    case gemv_isa::avx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case gemv_isa::avx512_bf16:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bf16");
  }
  return false;
}

gemv_isa gemv_best_isa() {
  if (gemv_isa_supported(gemv_isa::avx512_bf16)) return gemv_isa::avx512_bf16;
  if (gemv_isa_supported(gemv_isa::avx2)) return gemv_isa::avx2;
  return gemv_isa::none;
}

gemv_activations::gemv_activations(gemv_isa isa, int64_t m, int64_t k)
    : isa_(isa), m_(m), k_(k), kp_(row_stride_for(isa, k)) {
  if (isa == gemv_isa::avx512_bf16) {
    bf16_.assign(size_t(m * kp_), 0);
  } else {
    f32_.assign(size_t(m * kp_), 0.0f);
  }
}

// AVX2 layout, worked example for one block of 16 (k = 16b .. 16b+15): slots 0..7 hold
// x[16b+0], x[16b+2], ..., x[16b+14] and slots 8..15 hold x[16b+1], ..., x[16b+15].
static int64_t avx2_slot(int64_t i) {
  const int64_t in_block = i % k_avx2_block;
  return i - in_block + (in_block % 2) * (k_avx2_block / 2) + in_block / 2;
}

gemv_activations gemv_activations::from_f32(gemv_isa isa, const float* x, int64_t m, int64_t k,
                                            int64_t row_stride) {
  check_shape(isa, x, m, k, row_stride);
  gemv_activations a(isa, m, k);
  for (int64_t r = 0; r < m; ++r) {
    const float* src = x + r * row_stride;
    for (int64_t i = 0; i < k; ++i) {
      if (isa == gemv_isa::avx512_bf16) {
        a.bf16_[size_t(r * a.kp_ + i)] = f32_to_bf16(src[i]);
      } else {
        a.f32_[size_t(r * a.kp_ + avx2_slot(i))] = src[i];
      }
    }
  }
  return a;
}

gemv_activations gemv_activations::from_bf16(gemv_isa isa, const uint16_t* x, int64_t m, int64_t k,
                                             int64_t row_stride) {
  check_shape(isa, x, m, k, row_stride);
  gemv_activations a(isa, m, k);
  for (int64_t r = 0; r < m; ++r) {
    const uint16_t* src = x + r * row_stride;
    if (isa == gemv_isa::avx512_bf16) {
      std::memcpy(a.bf16_.data() + r * a.kp_, src, size_t(k) * sizeof(uint16_t));
    } else {
      for (int64_t i = 0; i < k; ++i)
        a.f32_[size_t(r * a.kp_ + avx2_slot(i))] = bf16_to_f32(src[i]);
    }
  }
  return a;
}

void gemv_bf16(const gemv_activations& x, const uint16_t* w, int64_t n_begin, int64_t n_end,
               const gemv_output& y) {
  if (w == nullptr) throw std::invalid_argument("gemv: weight pointer is null");
  if (n_begin < 0 || n_end < n_begin) {
    throw std::invalid_argument("gemv: bad output column range [" + std::to_string(n_begin) + ", " +
                                std::to_string(n_end) + ")");
  }
  if ((y.f32 == nullptr) == (y.bf16 == nullptr) || y.row_stride < n_end) {
    throw std::invalid_argument(
        "gemv: the output needs exactly one of f32/bf16 and row_stride >= " +
        std::to_string(n_end));
  }
  if (x.isa_ == gemv_isa::avx512_bf16) {
    detail::gemv_rows_avx512(x.bf16_.data(), x.m_, x.kp_, w, x.k_, n_begin, n_end, y);
  } else {
    detail::gemv_rows_avx2(x.f32_.data(), x.m_, x.kp_, w, x.k_, n_begin, n_end, y);
  }
}

}  // namespace vlserve::model::kernels
