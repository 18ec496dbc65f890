#include "model/text/kernels/int8_linear.hpp"

#include <ATen/Parallel.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "model/text/kernels/packed_linear.hpp"
#include "model/text/kernels/split_gemm.hpp"

namespace vlserve::model::kernels {
namespace {

// Output columns per parallel work item (as in bf16_linear.cpp: a multiple of the row blocks).
constexpr int64_t k_columns_per_item = 48;

void check_shapes(const at::Tensor& x, const int8_weight& w, const at::Tensor& bias) {
  if (!w.defined() || !x.is_cpu() || x.dim() != 2 || x.size(1) != w.in_features || x.size(0) < 1 ||
      (x.scalar_type() != at::kFloat && x.scalar_type() != at::kBFloat16) ||
      (bias.defined() && (bias.dim() != 1 || bias.size(0) != w.out_features()))) {
    throw std::invalid_argument("int8_linear: needs CPU x [M, " + std::to_string(w.in_features) +
                                "] (float32/bf16) and optional bias [N]; got x " +
                                c10::str(x.sizes()));
  }
}

// Grows only: at::empty of tens of MiB would map (and fault in) fresh pages on every call.
at::Tensor& scratch_for(int64_t numel) {
  static thread_local at::Tensor scratch;
  if (!scratch.defined() || scratch.numel() < numel) scratch = at::empty({numel}, at::kFloat);
  return scratch;
}

void dequantize_into(const int8_weight& w, float* out) {
  const int64_t n = w.out_features(), k = w.in_features, kp = w.values.size(1);
  const int64_t groups = w.scales.size(1);
  const int8_t* q = w.values.data_ptr<int8_t>();
  const float* s = w.scales.data_ptr<float>();
  at::parallel_for(0, n, 16, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      for (int64_t i = 0; i < k; ++i) {
        out[r * k + i] = float(q[r * kp + i]) * s[r * groups + i / k_q8_group];
      }
    }
  });
}

}  // namespace

int8_weight quantize_int8(const at::Tensor& weight) {
  if (weight.dim() != 2 || !weight.is_cpu()) {
    throw std::invalid_argument("quantize_int8: needs a 2-D CPU weight, got " + c10::str(weight.sizes()));
  }
  const at::Tensor wf = weight.to(at::kFloat).contiguous();
  const int64_t n = wf.size(0), k = wf.size(1), kp = q8_padded_depth(k);
  int8_weight q;
  q.in_features = k;
  q.values = at::empty({n, kp}, at::kChar);
  q.scales = at::empty({n, kp / k_q8_group}, at::kFloat);
  const float* src = wf.data_ptr<float>();
  int8_t* dst = q.values.data_ptr<int8_t>();
  float* scales = q.scales.data_ptr<float>();
  at::parallel_for(0, n, 16, [&](int64_t begin, int64_t end) {
    q8_quantize_rows(src + begin * k, end - begin, k, dst + begin * kp,
                     scales + begin * (kp / k_q8_group));
  });
  return q;
}

at::Tensor dequantize_int8(const int8_weight& w, at::ScalarType dtype) {
  at::Tensor out = at::empty({w.out_features(), w.in_features}, at::kFloat);
  dequantize_into(w, out.data_ptr<float>());
  return out.to(dtype);
}

q8_isa int8_linear_isa() {
  static const q8_isa isa = q8_best_isa();
  return isa;
}

at::Tensor int8_linear(const at::Tensor& x, const int8_weight& w, const at::Tensor& bias,
                       bool batch_invariant) {
  check_shapes(x, w, bias);
  const int64_t numel = w.out_features() * w.in_features;
  // Prompt chunks on AVX2 without AVX512-BF16: the packed GEMM dequantizes block by block into L1
  // (the same float32 weight as dequantize_int8; activations stay float32).
  if (!batch_invariant && x.size(0) >= k_packed_min_rows && packed_gemm_in_use()) {
    detail::packed_weight pw;
    pw.q8 = w.values.data_ptr<int8_t>();
    pw.scales = w.scales.data_ptr<float>();
    pw.row_stride = w.values.size(1);
    pw.scale_stride = w.scales.size(1);
    pw.group = k_q8_group;
    return packed_product(x, pw, w.out_features(), bias);
  }
  // Elsewhere: one dequantizing pass over the weight, then the BLAS's float32 GEMM (the
  // kernel would re-read the weight from cache for every 8 rows at a fraction of the FMA peak).
  if (!batch_invariant && x.size(0) >= k_dequant_min_rows && numel <= k_dequant_max_weights) {
    at::Tensor& scratch = scratch_for(numel);
    dequantize_into(w, scratch.data_ptr<float>());
    const at::Tensor wf = scratch.narrow(0, 0, numel).view({w.out_features(), w.in_features});
    const at::Tensor bf = bias.defined() ? bias.to(at::kFloat) : at::Tensor();
    // OpenBLAS runs single-threaded: the product is split over the OpenMP threads (split_gemm.hpp).
    return float32_linear(x.to(at::kFloat), wf, bf).to(x.scalar_type());
  }
  return int8_linear_kernel(x, w, bias, int8_linear_isa());
}

at::Tensor int8_linear_kernel(const at::Tensor& x, const int8_weight& w, const at::Tensor& bias,
                              q8_isa isa) {
  check_shapes(x, w, bias);
  const at::Tensor xf = x.to(at::kFloat).contiguous();
  const int64_t m = xf.size(0), k = xf.size(1), n = w.out_features();
  std::vector<q8_activations> groups;
  for (int64_t r = 0; r < m; r += k_q8_max_rows) {
    groups.push_back(q8_activations::from_f32(xf.data_ptr<float>() + r * k,
                                              std::min(k_q8_max_rows, m - r), k, k));
  }
  at::Tensor y = at::empty({m, n}, x.options());
  const int8_t* values = w.values.data_ptr<int8_t>();
  const float* scales = w.scales.data_ptr<float>();
  const int64_t items = (n + k_columns_per_item - 1) / k_columns_per_item;
  at::parallel_for(0, items, 1, [&](int64_t begin, int64_t end) {
    for (int64_t item = begin; item < end; ++item) {
      const int64_t c0 = item * k_columns_per_item, c1 = std::min(c0 + k_columns_per_item, n);
      for (size_t g = 0; g < groups.size(); ++g) {
        gemv_output out;
        out.row_stride = n;
        const int64_t offset = int64_t(g) * k_q8_max_rows * n;
        if (y.scalar_type() == at::kFloat) {
          out.f32 = y.data_ptr<float>() + offset;
        } else {
          out.bf16 = reinterpret_cast<uint16_t*>(y.data_ptr()) + offset;
        }
        gemv_q8(isa, groups[g], values, scales, c0, c1, out);
      }
    }
  });
  if (bias.defined()) y.add_(bias);
  return y;
}

}  // namespace vlserve::model::kernels
