#include "model/text/kernels/packed_linear.hpp"

#include <ATen/Parallel.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

#include "model/text/kernels/bf16_linear.hpp"
#include "model/text/kernels/packed_gemm_isa_kernels.hpp"

namespace vlserve::model::kernels {
namespace {

// One per thread for the life of the thread: the kernel's panel and packed rows (~160 KiB).
float* thread_scratch() {
  struct aligned_free {
    void operator()(float* p) const { std::free(p); }
  };
  static thread_local std::unique_ptr<float, aligned_free> scratch(static_cast<float*>(
      std::aligned_alloc(64, sizeof(float) * detail::k_packed_gemm_scratch_floats)));
  if (!scratch) throw std::bad_alloc();
  return scratch.get();
}

}  // namespace

bool packed_linear_enabled() {
  static const bool enabled = [] {
    const char* env = std::getenv("VLSERVE_PACKED_GEMM");
    return env == nullptr || std::string(env) != "off";
  }();
  return enabled;
}

bool packed_gemm_in_use() { return packed_linear_enabled() && gemv_linear_isa() == gemv_isa::avx2; }

bool packed_linear_applicable(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  return packed_gemm_in_use() && bf16_linear_shapes_fit(x, weight, bias) &&
         x.size(0) >= k_packed_min_rows;
}

at::Tensor packed_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  if (!bf16_linear_shapes_fit(x, weight, bias) || !gemv_isa_supported(gemv_isa::avx2)) {
    throw std::invalid_argument(
        "packed_linear: needs an AVX2 CPU, CPU x [M, K] (float32/bf16), contiguous bf16 weight "
        "[N, K] and optional bias [N]; got x " + c10::str(x.sizes()) + " and weight " +
        c10::str(weight.sizes()));
  }
  detail::packed_weight w;
  w.bf16 = reinterpret_cast<const uint16_t*>(weight.data_ptr());
  w.row_stride = weight.size(1);
  return packed_product(x, w, weight.size(0), bias);
}

at::Tensor packed_product(const at::Tensor& x, const detail::packed_weight& w, int64_t n,
                          const at::Tensor& bias) {
  if (!gemv_isa_supported(gemv_isa::avx2)) {
    throw std::invalid_argument("packed_product: this CPU lacks AVX2 + FMA");
  }
  const at::Tensor xf = x.to(at::kFloat).contiguous();
  const int64_t m = xf.size(0), k = xf.size(1);
  at::Tensor y = at::empty({m, n}, xf.options());
  const float* xp = xf.data_ptr<float>();
  float* yp = y.data_ptr<float>();
  const int64_t width = detail::k_packed_gemm_panel_columns;
  const int64_t panels = (n + width - 1) / width;
  // Contiguous runs of panels per thread: each thread packs its own weight rows once per block.
  at::parallel_for(0, panels, 1, [&](int64_t begin, int64_t end) {
    const int64_t c0 = begin * width, c1 = std::min(end * width, n);
    detail::packed_gemm_avx2(xp, m, k, w, k, c0, c1, yp, n, thread_scratch());
  });
  if (bias.defined()) y.add_(bias);
  return y.to(x.scalar_type());
}

}  // namespace vlserve::model::kernels
