// Micro-benchmark (not a test): weight bytes streamed per second by the int8 GEMV next to the
// bf16 GEMV on the decoder's shapes at M = 1, 4, 8, and the time per layer call (the int8 kernel
// reads half the bytes, so at the bandwidth bound it takes half the time).
// Usage: int8_gemv_bench [threads=2] [rounds=7]. Prints medians over the rounds.
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
#include "model/text/kernels/int8_linear.hpp"

namespace {

namespace k = vlserve::model::kernels;

using vlserve::kernel_bench::loadavg;
using vlserve::kernel_bench::median;
using vlserve::kernel_bench::seconds_of;

}  // namespace

int main(int argc, char** argv) {
  const vlserve::kernel_bench::bench_args args = vlserve::kernel_bench::parse_bench_args(argc, argv);
  const int rounds = args.rounds;
  at::set_num_threads(args.threads);
  std::printf("int8 kernel %s, %d threads, %d rounds, loadavg before: %s\n",
              std::string(k::q8_isa_name(k::int8_linear_isa())).c_str(), at::get_num_threads(), rounds,
              loadavg().c_str());
  struct shape {
    const char* name;
    int64_t n, k;
  };
  const std::vector<shape> shapes = {{"2048x6144 (gate/up)", 6144, 2048},
                                     {"6144x2048 (down)", 2048, 6144},
                                     {"lm_head 151936x2048", 151936, 2048}};
  std::printf("%-22s %2s %10s %10s %10s %10s %8s\n", "shape", "M", "int8 GB/s", "bf16 GB/s", "int8 ms",
              "bf16 ms", "speedup");
  for (const shape& s : shapes) {
    // Enough copies that one pass (>= 256 MB of bf16) cannot be served from cache.
    const int64_t copies = std::max<int64_t>(1, std::min<int64_t>(16, (256LL << 20) / (s.n * s.k * 2)));
    std::vector<at::Tensor> wb;
    std::vector<k::int8_weight> wq;
    for (int64_t i = 0; i < copies; ++i) {
      wb.push_back((at::randn({s.n, s.k}) * 0.05).to(at::kBFloat16));
      wq.push_back(k::quantize_int8(wb.back()));
    }
    for (int64_t m : {1, 4, 8}) {
      const at::Tensor x = at::randn({m, s.k}).to(at::kBFloat16);
      std::vector<double> tq, tb;
      for (int r = 0; r < rounds; ++r) {  // interleaved so drifting load hits both alike
        tq.push_back(seconds_of([&] {
                       for (const auto& w : wq) (void)k::int8_linear(x, w, {}, false);
                     }) / double(copies));
        tb.push_back(seconds_of([&] {
                       for (const auto& w : wb) (void)k::gemv_linear(x, w, {});
                     }) / double(copies));
      }
      const double q = median(tq), b = median(tb);
      std::printf("%-22s %2lld %10.1f %10.1f %10.3f %10.3f %7.2fx\n", s.name, (long long)m,
                  double(wq[0].nbytes()) / q / 1e9, double(s.n * s.k * 2) / b / 1e9, q * 1e3, b * 1e3,
                  b / q);
    }
  }
  std::printf("\nloadavg after: %s\n", loadavg().c_str());
  return 0;
}
