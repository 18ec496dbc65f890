#include "model/text/gemm_peak.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <vector>

#include "model/text/torch_util.hpp"

namespace vlserve::model {
namespace {

// bench/median.hpp's rule (model/ may not include bench/): the middle value, or the mean of the two.
double median(std::vector<double> v) {
  if (v.empty()) throw std::invalid_argument("median of an empty sample");
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 == 1 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

}  // namespace

gemm_result measure_gemm_peak(const gemm_options& options) {
  if (options.m <= 0 || options.k <= 0 || options.n <= 0)
    throw std::invalid_argument("gemm probe: sizes must be positive");
  if (options.repeat < 1 || options.repeat > 1000)
    throw std::invalid_argument("gemm probe: repeat must be 1..1000");
  const at::ScalarType dtype = parse_compute_dtype(options.dtype);
  const auto opts = at::TensorOptions().dtype(dtype).device(parse_device(options.device));
  at::NoGradGuard no_grad;
  const at::Tensor w = at::randn({options.n, options.k}, opts).mul_(0.02);
  // Reading one element back waits for an accelerator to finish; on CPU it is free.
  auto timed_ms = [&](const at::Tensor& x) {
    const auto t0 = std::chrono::steady_clock::now();
    dense(x, w, {}, compute_mode{})[0][0].item<float>();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  };
  // Through dense(), the decoder's own call (libtorch, or vlserve's kernel for bf16 on CPU).
  // A small product first (it also lets oneDNN build its kernel). Should the dtype have no fast
  // kernel (~1 GFLOP/s) the full product would take minutes, so m then shrinks to keep one call
  // near k_call_budget_ms.
  constexpr int64_t k_probe_rows = 16;
  constexpr double k_call_budget_ms = 1000;
  const double probe_ms = timed_ms(at::randn({k_probe_rows, options.k}, opts));
  int64_t m = options.m;
  if (probe_ms * double(options.m) / double(k_probe_rows) > k_call_budget_ms)
    m = std::max(k_probe_rows, int64_t(k_call_budget_ms / probe_ms * double(k_probe_rows)));
  m = std::min(m, options.m);
  const at::Tensor x = at::randn({m, options.k}, opts);
  timed_ms(x);  // warm-up at the measured shape
  std::vector<double> ms;
  for (int r = 0; r < options.repeat; ++r) ms.push_back(timed_ms(x));
  gemm_result out;
  out.median_ms = median(ms);
  out.best_ms = *std::min_element(ms.begin(), ms.end());
  out.gflops = 2.0 * double(m) * double(options.k) * double(options.n) / (out.best_ms * 1e6);
  out.m = m;
  out.dtype = dtype_name(dtype);
  return out;
}

}  // namespace vlserve::model
