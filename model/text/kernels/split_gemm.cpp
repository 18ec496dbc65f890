#include "model/text/kernels/split_gemm.hpp"

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <dlfcn.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace vlserve::model::kernels {
namespace {

// Rows per part below which a product is split by output columns instead.
constexpr int64_t k_min_rows_per_part = 32;
// Multiply-adds below which a product stays on the calling thread (as OpenBLAS itself keeps small
// products on one thread): a fork-join costs more than it saves there, and a partner thread
// preempted by another process stalls the whole step.
constexpr int64_t k_min_split_work = int64_t(1) << 21;

bool set_openblas_to_one_thread() {
  const char* env = std::getenv("VLSERVE_BLAS_SPLIT");
  if (env != nullptr && std::string(env) == "off") return false;
  // Looked up, not linked: libtorch reaches BLAS through libblas.so.3, whichever the system picked.
  using setter = void (*)(int);
  auto set = reinterpret_cast<setter>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (set == nullptr) return false;
  set(1);
  return true;
}

}  // namespace

bool single_threaded_blas() {
  static const bool on = set_openblas_to_one_thread();
  return on;
}

bool split_linear_applicable(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias) {
  if (!single_threaded_blas() || !x.is_cpu() || !w.is_cpu() || x.dim() != 2 || w.dim() != 2) return false;
  if (x.scalar_type() != at::kFloat || w.scalar_type() != at::kFloat || !w.is_contiguous()) return false;
  if (w.size(1) != x.size(1) || x.size(0) * w.size(0) * w.size(1) < k_min_split_work) return false;
  return !bias.defined() || (bias.dim() == 1 && bias.size(0) == w.size(0) && bias.scalar_type() == at::kFloat);
}

at::Tensor float32_linear(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias) {
  return split_linear_applicable(x, w, bias) ? split_linear(x, w, bias) : at::linear(x, w, bias);
}

at::Tensor split_linear(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias) {
  const at::Tensor xc = x.contiguous();
  const int64_t m = xc.size(0), n = w.size(0);
  const int64_t parts = std::max<int64_t>(1, at::get_num_threads());
  if (parts == 1) return at::linear(xc, w, bias);
  at::Tensor y = at::empty({m, n}, xc.options());
  // Worker threads do not inherit the caller's inference mode; in-place writes into an inference
  // tensor need it.
  const bool inference = c10::InferenceMode::is_enabled();
  if (m >= parts * k_min_rows_per_part) {
    at::parallel_for(0, parts, 1, [&](int64_t begin, int64_t end) {
      c10::InferenceMode guard(inference);
      for (int64_t p = begin; p < end; ++p) {
        const int64_t r0 = m * p / parts, r1 = m * (p + 1) / parts;
        at::Tensor out = y.narrow(0, r0, r1 - r0);
        if (bias.defined()) at::addmm_out(out, bias, xc.narrow(0, r0, r1 - r0), w.t());
        else at::mm_out(out, xc.narrow(0, r0, r1 - r0), w.t());
      }
    });
    return y;
  }
  y = at::Tensor();
  // A few rows: each part computes a band of output columns from its band of weight rows.
  std::vector<at::Tensor> bands(static_cast<size_t>(parts));
  at::parallel_for(0, parts, 1, [&](int64_t begin, int64_t end) {
    c10::InferenceMode guard(inference);
    for (int64_t p = begin; p < end; ++p) {
      const int64_t c0 = n * p / parts, c1 = n * (p + 1) / parts;
      const at::Tensor wb = w.narrow(0, c0, c1 - c0);
      const at::Tensor bb = bias.defined() ? bias.narrow(0, c0, c1 - c0) : at::Tensor();
      bands[size_t(p)] = m == 1 ? (bb.defined() ? at::mv(wb, xc[0]) + bb : at::mv(wb, xc[0])).unsqueeze(0)
                                : at::linear(xc, wb, bb);
    }
  });
  return at::cat(bands, 1);
}

}  // namespace vlserve::model::kernels
