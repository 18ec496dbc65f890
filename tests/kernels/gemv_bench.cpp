// Micro-benchmark (not a test): weight-streaming GB/s of gemv_linear versus libtorch's bf16
// at::linear for the decoder's shapes at M = 1, 4, 8, with a read-bandwidth reference from the
// same run. Usage: gemv_bench [threads=2] [rounds=7]. Prints medians over the rounds.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "model/text/kernels/bf16_linear.hpp"
#include "tests/kernels/bench_timing.hpp"

namespace {

using vlserve::model::kernels::gemv_linear;

using vlserve::kernel_bench::loadavg;
using vlserve::kernel_bench::median;
using vlserve::kernel_bench::seconds_of;

// Enough copies of W that one pass over them (~256 MB) cannot be served from cache.
std::vector<at::Tensor> weight_copies(int64_t n, int64_t k) {
  const int64_t bytes = n * k * 2;
  const int64_t copies = std::max<int64_t>(1, std::min<int64_t>(16, (256LL << 20) / bytes));
  std::vector<at::Tensor> ws;
  for (int64_t i = 0; i < copies; ++i) ws.push_back((at::randn({n, k}) * 0.05).to(at::kBFloat16));
  return ws;
}

}  // namespace

int main(int argc, char** argv) {
  const vlserve::kernel_bench::bench_args args = vlserve::kernel_bench::parse_bench_args(argc, argv);
  const int rounds = args.rounds;
  at::set_num_threads(args.threads);
  std::printf("kernel %s, %d threads, %d rounds, loadavg before: %s\n",
              std::string(gemv_isa_name(vlserve::model::kernels::gemv_linear_isa())).c_str(),
              at::get_num_threads(), rounds, loadavg().c_str());

  const at::Tensor big = at::ones({int64_t(128) << 20});  // 512 MiB of float32
  std::vector<double> read_bw;
  for (int r = 0; r < rounds; ++r) {
    read_bw.push_back(big.nbytes() / seconds_of([&] { (void)big.sum().item<float>(); }) / 1e9);
  }
  std::printf("read bandwidth (at::sum over 512 MiB): %.1f GB/s\n\n", median(read_bw));

  struct shape {
    const char* name;
    int64_t n, k;
  };
  const std::vector<shape> shapes = {{"2048x6144 (gate/up)", 6144, 2048},
                                     {"6144x2048 (down)", 2048, 6144},
                                     {"lm_head 151936x2048", 151936, 2048}};
  std::printf("%-22s %2s %12s %12s %8s\n", "shape", "M", "gemv GB/s", "linear GB/s", "speedup");
  for (const shape& s : shapes) {
    const std::vector<at::Tensor> ws = weight_copies(s.n, s.k);
    const double bytes_per_pass = double(ws.size()) * s.n * s.k * 2;
    for (int64_t m : {1, 4, 8}) {
      const at::Tensor x = at::randn({m, s.k}).to(at::kBFloat16);
      std::vector<double> gemv, linear;
      for (int r = 0; r < rounds; ++r) {  // interleaved so drifting load hits both alike
        gemv.push_back(bytes_per_pass / seconds_of([&] {
                         for (const at::Tensor& w : ws) (void)gemv_linear(x, w, {});
                       }) /
                       1e9);
        linear.push_back(bytes_per_pass / seconds_of([&] {
                           for (const at::Tensor& w : ws) (void)at::linear(x, w);
                         }) /
                         1e9);
      }
      std::printf("%-22s %2lld %12.1f %12.1f %7.2fx\n", s.name, static_cast<long long>(m),
                  median(gemv), median(linear), median(gemv) / median(linear));
    }
  }
  std::printf("\nloadavg after: %s\n", loadavg().c_str());
  return 0;
}
