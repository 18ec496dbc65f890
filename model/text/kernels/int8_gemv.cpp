#include "model/text/kernels/int8_gemv.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "model/text/kernels/int8_gemv_isa_kernels.hpp"

namespace vlserve::model::kernels {
namespace {

uint16_t f32_to_bf16(float f) {
  uint32_t u;
  __builtin_memcpy(&u, &f, sizeof u);
  if ((u & 0x7fffffffu) > 0x7f800000u) return uint16_t((u >> 16) | 0x40u);  // quiet NaN
  u += 0x7fffu + ((u >> 16) & 1u);  // round to nearest, ties to even
  return uint16_t(u >> 16);
}

// One group of `len` (<= k_q8_group) floats to int8 with a shared scale; returns the scale.
float quantize_group(const float* src, int64_t len, int8_t* dst) {
  float amax = 0.0f;
  for (int64_t i = 0; i < len; ++i) amax = std::max(amax, std::fabs(src[i]));
  if (amax == 0.0f) {
    std::fill(dst, dst + len, int8_t(0));
    return 0.0f;
  }
  const float inv = 127.0f / amax;
  for (int64_t i = 0; i < len; ++i) {
    // nearbyint rounds half to even; the clamp guards against amax * (127 / amax) > 127.
    const float q = std::nearbyint(src[i] * inv);
    dst[i] = int8_t(std::clamp(q, -127.0f, 127.0f));
  }
  return amax / 127.0f;
}

// The portable loop: the same integer group sums as the ISA kernels, in plain C++.
void gemv_q8_rows_generic(const detail::q8_operands& op, int64_t n_begin, int64_t n_end,
                          const gemv_output& y) {
  for (int64_t n = n_begin; n < n_end; ++n) {
    const int8_t* wrow = op.w + n * op.kp;
    const float* ws = op.wscale + n * op.groups;
    for (int64_t m = 0; m < op.rows; ++m) {
      const int8_t* xrow = op.xq + m * op.kp;
      const float* xs = op.xscale + m * op.groups;
      float acc = 0.0f;
      for (int64_t g = 0; g < op.groups; ++g) {
        int32_t dot = 0;
        for (int64_t i = g * k_q8_group; i < (g + 1) * k_q8_group; ++i) {
          dot += int32_t(xrow[i]) * int32_t(wrow[i]);
        }
        acc += float(dot) * (xs[g] * ws[g]);
      }
      if (y.f32 != nullptr) {
        y.f32[m * y.row_stride + n] = acc;
      } else {
        y.bf16[m * y.row_stride + n] = f32_to_bf16(acc);
      }
    }
  }
}

}  // namespace

std::string_view q8_isa_name(q8_isa isa) {
  switch (isa) {
    case q8_isa::generic:
      return "generic";
    case q8_isa::avx2:
      return "avx2";
    case q8_isa::avx512_vnni:
      return "avx512_vnni";
  }
  return "unknown";
}

bool q8_isa_supported(q8_isa isa) {
  switch (isa) {
    case q8_isa::generic:
      return true;
    case q8_isa::avx2:
      return __builtin_cpu_supports("avx2");
    case q8_isa::avx512_vnni:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vnni");
  }
  return false;
}

q8_isa q8_best_isa() {
  if (q8_isa_supported(q8_isa::avx512_vnni)) return q8_isa::avx512_vnni;
  if (q8_isa_supported(q8_isa::avx2)) return q8_isa::avx2;
  return q8_isa::generic;
}

int64_t q8_padded_depth(int64_t k) { return (k + k_q8_group - 1) / k_q8_group * k_q8_group; }

void q8_quantize_rows(const float* w, int64_t n, int64_t k, int8_t* q, float* scales) {
  const int64_t kp = q8_padded_depth(k), groups = kp / k_q8_group;
  for (int64_t r = 0; r < n; ++r) {
    int8_t* qrow = q + r * kp;
    std::fill(qrow + k, qrow + kp, int8_t(0));
    for (int64_t g = 0; g < groups; ++g) {
      const int64_t begin = g * k_q8_group, len = std::min(k_q8_group, k - begin);
      scales[r * groups + g] = quantize_group(w + r * k + begin, len, qrow + begin);
    }
  }
}

q8_activations::q8_activations(int64_t m, int64_t k)
    : m_(m), k_(k), kp_(q8_padded_depth(k)), groups_(kp_ / k_q8_group),
      q_(size_t(m * kp_), 0), abs_(size_t(m * kp_), 0), scale_(size_t(m * groups_), 0.0f), sum_(size_t(m * groups_), 0) {}

q8_activations q8_activations::from_f32(const float* x, int64_t m, int64_t k, int64_t row_stride) {
  if (x == nullptr) throw std::invalid_argument("gemv_q8: activation pointer is null");
  if (m < 1 || m > k_q8_max_rows) {
    throw std::invalid_argument("gemv_q8: " + std::to_string(m) +
                                " activation rows; the kernel takes 1 to " +
                                std::to_string(k_q8_max_rows));
  }
  if (k < 1 || row_stride < k) {
    throw std::invalid_argument("gemv_q8: depth " + std::to_string(k) + " with row stride " +
                                std::to_string(row_stride));
  }
  q8_activations a(m, k);
  for (int64_t r = 0; r < m; ++r) {
    q8_quantize_rows(x + r * row_stride, 1, k, a.q_.data() + r * a.kp_,
                     a.scale_.data() + r * a.groups_);
    for (int64_t g = 0; g < a.groups_; ++g) {
      int32_t s = 0;
      for (int64_t i = 0; i < k_q8_group; ++i) s += a.q_[size_t(r * a.kp_ + g * k_q8_group + i)];
      a.sum_[size_t(r * a.groups_ + g)] = s;
    }
  }
  for (size_t i = 0; i < a.q_.size(); ++i) a.abs_[i] = int8_t(a.q_[i] < 0 ? -a.q_[i] : a.q_[i]);
  return a;
}

float q8_activations::dequantized(int64_t r, int64_t i) const {
  return float(q_[size_t(r * kp_ + i)]) * scale_[size_t(r * groups_ + i / k_q8_group)];
}

void gemv_q8(q8_isa isa, const q8_activations& x, const int8_t* w, const float* scales,
             int64_t n_begin, int64_t n_end, const gemv_output& y) {
  if (!q8_isa_supported(isa)) {
    throw std::invalid_argument("gemv_q8: ISA " + std::string(q8_isa_name(isa)) +
                                " is not available on this CPU; use q8_best_isa()");
  }
  if (w == nullptr || scales == nullptr) throw std::invalid_argument("gemv_q8: weight pointer is null");
  if (n_begin < 0 || n_end < n_begin) {
    throw std::invalid_argument("gemv_q8: bad output column range [" + std::to_string(n_begin) +
                                ", " + std::to_string(n_end) + ")");
  }
  if ((y.f32 == nullptr) == (y.bf16 == nullptr) || y.row_stride < n_end) {
    throw std::invalid_argument("gemv_q8: the output needs exactly one of f32/bf16 and row_stride >= " +
                                std::to_string(n_end));
  }
  const detail::q8_operands op{x.q_.data(), x.abs_.data(), x.scale_.data(), x.sum_.data(), x.m_,
                               x.kp_,       x.groups_,     w,               scales};
  switch (isa) {
    case q8_isa::avx512_vnni:
      return detail::gemv_q8_rows_avx512_vnni(op, n_begin, n_end, y);
    case q8_isa::avx2:
      return detail::gemv_q8_rows_avx2(op, n_begin, n_end, y);
    case q8_isa::generic:
      return gemv_q8_rows_generic(op, n_begin, n_end, y);
  }
}

}  // namespace vlserve::model::kernels
