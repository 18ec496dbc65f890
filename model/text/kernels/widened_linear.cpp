#include "model/text/kernels/widened_linear.hpp"

#include <ATen/Parallel.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "model/text/kernels/bf16_linear.hpp"
#include "model/text/kernels/split_gemm.hpp"

namespace vlserve::model::kernels {
namespace {

// bf16 bits are the upper half of a float32: a shift widens them exactly.
void widen(const uint16_t* src, float* dst, int64_t n) {
  at::parallel_for(0, n, int64_t(1) << 16, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const uint32_t bits = uint32_t(src[i]) << 16;
      std::memcpy(dst + i, &bits, 4);
    }
  });
}

// Grows only: at::empty of tens of MiB would map (and fault in) fresh pages on every call.
at::Tensor& scratch_for(int64_t numel) {
  static thread_local at::Tensor scratch;
  if (!scratch.defined() || scratch.numel() < numel) scratch = at::empty({numel}, at::kFloat);
  return scratch;
}

}  // namespace

bool widened_linear_enabled() {
  static const bool enabled = [] {
    const char* env = std::getenv("VLSERVE_WIDEN");
    return env == nullptr || std::string(env) != "off";
  }();
  return enabled;
}

bool widened_linear_applicable(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  if (!widened_linear_enabled() || gemv_linear_isa() != gemv_isa::avx2) return false;
  if (!x.is_cpu() || !weight.is_cpu() || x.dim() != 2 || weight.dim() != 2) return false;
  if (x.size(0) < k_widen_min_rows || weight.size(1) != x.size(1)) return false;
  if (x.scalar_type() != at::kFloat && x.scalar_type() != at::kBFloat16) return false;
  if (weight.scalar_type() != at::kBFloat16 || !weight.is_contiguous()) return false;
  if (weight.numel() > k_widen_max_weights) return false;
  return !bias.defined() || (bias.dim() == 1 && bias.size(0) == weight.size(0));
}

at::Tensor widened_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  at::Tensor& scratch = scratch_for(weight.numel());
  widen(reinterpret_cast<const uint16_t*>(weight.data_ptr()), scratch.data_ptr<float>(),
        weight.numel());
  const at::Tensor wf = scratch.narrow(0, 0, weight.numel()).view(weight.sizes());
  const at::Tensor bf = bias.defined() ? bias.to(at::kFloat) : at::Tensor();
  return float32_linear(x.to(at::kFloat), wf, bf).to(x.scalar_type());
}

}  // namespace vlserve::model::kernels
