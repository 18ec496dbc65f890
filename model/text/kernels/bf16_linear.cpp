#include "model/text/kernels/bf16_linear.hpp"

#include <ATen/Parallel.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace vlserve::model::kernels {
namespace {

// Output columns per parallel work item: a multiple of every row-block size the kernels use
// (8, 6, 4, 3, 2), so only the last item of a layer has a ragged tail.
constexpr int64_t k_columns_per_item = 48;

bool shapes_fit(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  if (!x.is_cpu() || !weight.is_cpu() || x.dim() != 2 || weight.dim() != 2) return false;
  if (x.scalar_type() != at::kFloat && x.scalar_type() != at::kBFloat16) return false;
  if (weight.scalar_type() != at::kBFloat16 || !weight.is_contiguous()) return false;
  if (x.size(0) < 1 || x.size(0) > k_gemv_max_rows || x.size(1) < 1) return false;
  if (weight.size(1) != x.size(1)) return false;
  return !bias.defined() || (bias.dim() == 1 && bias.size(0) == weight.size(0));
}

}  // namespace

gemv_isa gemv_linear_isa() {
  static const gemv_isa isa = [] {
    const char* env = std::getenv("VLSERVE_GEMV");
    if (env != nullptr && std::string(env) == "off") return gemv_isa::none;
    return gemv_best_isa();
  }();
  return isa;
}

bool gemv_linear_applicable(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  return gemv_linear_isa() != gemv_isa::none && shapes_fit(x, weight, bias);
}

at::Tensor gemv_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  return gemv_linear(x, weight, bias, gemv_linear_isa());
}

at::Tensor gemv_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                       gemv_isa isa) {
  if (!shapes_fit(x, weight, bias)) {
    throw std::invalid_argument(
        "gemv_linear: needs CPU x [1.." + std::to_string(k_gemv_max_rows) +
        ", K] (float32/bf16), contiguous bf16 weight [N, K] and optional bias [N]; got x " +
        c10::str(x.sizes()) + " and weight " + c10::str(weight.sizes()));
  }
  // The kernel reads rows with unit stride; a transposed or sliced x is made contiguous first.
  const at::Tensor xc = x.stride(1) == 1 ? x : x.contiguous();
  const int64_t m = xc.size(0), k = xc.size(1), n = weight.size(0);
  const gemv_activations acts =
      xc.scalar_type() == at::kFloat
          ? gemv_activations::from_f32(isa, xc.data_ptr<float>(), m, k, xc.stride(0))
          : gemv_activations::from_bf16(isa, reinterpret_cast<const uint16_t*>(xc.data_ptr()), m, k,
                                        xc.stride(0));
  at::Tensor y = at::empty({m, n}, xc.options());
  gemv_output out;
  out.row_stride = n;
  if (y.scalar_type() == at::kFloat) {
    out.f32 = y.data_ptr<float>();
  } else {
    out.bf16 = reinterpret_cast<uint16_t*>(y.data_ptr());
  }
  const auto* w = reinterpret_cast<const uint16_t*>(weight.data_ptr());
  const int64_t items = (n + k_columns_per_item - 1) / k_columns_per_item;
  at::parallel_for(0, items, 1, [&](int64_t begin, int64_t end) {
    gemv_bf16(acts, w, begin * k_columns_per_item, std::min(end * k_columns_per_item, n), out);
  });
  if (bias.defined()) y.add_(bias);
  return y;
}

}  // namespace vlserve::model::kernels
