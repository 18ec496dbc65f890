#include "model/text/kernels/bf16_linear.hpp"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace vlserve::model::kernels {
namespace {

// Output columns per parallel work item: a multiple of every row-block size the kernels use
// (8, 6, 4, 3, 2), so only the last item of a layer has a ragged tail.
constexpr int64_t k_columns_per_item = 48;

}  // namespace

bool bf16_linear_shapes_fit(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  if (!x.is_cpu() || !weight.is_cpu() || x.dim() != 2 || weight.dim() != 2) return false;
  if (x.scalar_type() != at::kFloat && x.scalar_type() != at::kBFloat16) return false;
  if (weight.scalar_type() != at::kBFloat16 || !weight.is_contiguous()) return false;
  if (x.size(0) < 1 || x.size(1) < 1) return false;
  if (weight.size(1) != x.size(1)) return false;
  return !bias.defined() || (bias.dim() == 1 && bias.size(0) == weight.size(0));
}

gemv_isa gemv_linear_isa() {
  static const gemv_isa isa = [] {
    const char* env = std::getenv("VLSERVE_GEMV");
    if (env != nullptr && std::string(env) == "off") return gemv_isa::none;
    return gemv_best_isa();
  }();
  return isa;
}

int64_t gemv_linear_max_rows() {
  // With AVX512-BF16, oneDNN's bf16 GEMM beats 8-row groups on prompt chunks; without it,
  // libtorch's bf16 GEMM falls back to ~1 GFLOP/s: prompt chunks take the packed GEMM
  // (packed_linear.hpp), or this kernel when that is switched off.
  return gemv_linear_isa() == gemv_isa::avx512_bf16 ? k_gemv_max_rows
                                                    : std::numeric_limits<int64_t>::max();
}

bool gemv_linear_applicable(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  return gemv_linear_isa() != gemv_isa::none && bf16_linear_shapes_fit(x, weight, bias) &&
         x.size(0) <= gemv_linear_max_rows();
}

at::Tensor gemv_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  return gemv_linear(x, weight, bias, gemv_linear_isa());
}

at::Tensor gemv_linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                       gemv_isa isa) {
  if (!bf16_linear_shapes_fit(x, weight, bias)) {
    throw std::invalid_argument(
        "gemv_linear: needs CPU x [M, K] (float32/bf16), contiguous bf16 weight [N, K] and "
        "optional bias [N]; got x " +
        c10::str(x.sizes()) + " and weight " + c10::str(weight.sizes()));
  }
  // The kernel reads rows with unit stride; a transposed or sliced x is made contiguous first.
  const at::Tensor xc = x.stride(1) == 1 ? x : x.contiguous();
  const int64_t m = xc.size(0), k = xc.size(1), n = weight.size(0);
  // More than k_gemv_max_rows rows (a prompt chunk): groups of up to 8 rows, each packed once.
  std::vector<gemv_activations> groups;
  for (int64_t r = 0; r < m; r += k_gemv_max_rows) {
    const int64_t rows = std::min(k_gemv_max_rows, m - r);
    groups.push_back(
        xc.scalar_type() == at::kFloat
            ? gemv_activations::from_f32(isa, xc.data_ptr<float>() + r * xc.stride(0), rows, k,
                                         xc.stride(0))
            : gemv_activations::from_bf16(
                  isa, reinterpret_cast<const uint16_t*>(xc.data_ptr()) + r * xc.stride(0), rows,
                  k, xc.stride(0)));
  }
  at::Tensor y = at::empty({m, n}, xc.options());
  const auto* w = reinterpret_cast<const uint16_t*>(weight.data_ptr());
  const int64_t items = (n + k_columns_per_item - 1) / k_columns_per_item;
  at::parallel_for(0, items, 1, [&](int64_t begin, int64_t end) {
    // Item by item, every row group in turn: the item's weight columns are read from memory
    // once and then from cache for the other groups.
    for (int64_t item = begin; item < end; ++item) {
      const int64_t c0 = item * k_columns_per_item, c1 = std::min(c0 + k_columns_per_item, n);
      for (size_t g = 0; g < groups.size(); ++g) {
        gemv_output out;
        out.row_stride = n;
        const int64_t offset = int64_t(g) * k_gemv_max_rows * n;
        if (y.scalar_type() == at::kFloat) {
          out.f32 = y.data_ptr<float>() + offset;
        } else {
          out.bf16 = reinterpret_cast<uint16_t*>(y.data_ptr()) + offset;
        }
        gemv_bf16(groups[g], w, c0, c1, out);
      }
    }
  });
  if (bias.defined()) y.add_(bias);
  return y;
}

}  // namespace vlserve::model::kernels
