// Micro-benchmark (not a test): the blocked attention kernel on the shapes the model runs — one
// vision-tower frame (1,200 patches, 16 heads of 64, every key), a 512-token prompt chunk of the
// decoder (16 query heads over 8 kv heads of 128, causal) at 512 and 2,048 keys, and a batch-1
// decode step at 2,048 keys — in GFLOP/s (2 x 2 x rows x keys seen x head_dim), next to a
// float32 GEMM of the same run as the compute reference. Usage: attention_bench [threads=2]
// [rounds=7]. Prints medians over the rounds (and the best round).
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "model/text/kernels/cpu_attention.hpp"
#include "tests/kernels/bench_timing.hpp"

namespace {

namespace k = vlserve::model::kernels;
using vlserve::kernel_bench::loadavg;
using vlserve::kernel_bench::median;
using vlserve::kernel_bench::seconds_of;

struct shape {
  const char* name;
  int64_t queries, heads, kv_heads, head_dim, keys;
  bool causal;  // the queries are the last `queries` of `keys`
};

// Multiply-adds x 2 over the keys each query sees (a causal query sees the keys up to itself).
double flops(const shape& s) {
  double seen = 0;
  for (int64_t i = 0; i < s.queries; ++i) {
    seen += s.causal ? double(s.keys - s.queries + i + 1) : double(s.keys);
  }
  return 2.0 * 2.0 * double(s.heads) * seen * double(s.head_dim);
}

}  // namespace

int main(int argc, char** argv) {
  const vlserve::kernel_bench::bench_args args = vlserve::kernel_bench::parse_bench_args(argc, argv);
  const int rounds = args.rounds;
  at::set_num_threads(args.threads);
  std::printf("attention kernel %s, %d threads, %d rounds, loadavg before: %s\n",
              std::string(k::attention_isa_name(k::cpu_attention_isa())).c_str(),
              at::get_num_threads(), rounds, loadavg().c_str());

  const at::Tensor a = at::randn({1024, 1024}), b = at::randn({1024, 1024});
  std::vector<double> gemm;
  for (int r = 0; r < rounds; ++r) {
    gemm.push_back(2.0 * 1024 * 1024 * 1024 / seconds_of([&] { (void)at::mm(a, b); }) / 1e9);
  }
  std::printf("float32 GEMM 1024^3 (at::mm): %.1f GFLOP/s\n\n", median(gemm));

  const std::vector<shape> shapes = {
      {"tower frame 1200", 1200, 16, 16, 64, 1200, false},
      {"prompt 512 / 512", 512, 16, 8, 128, 512, true},
      {"prompt 512 / 2048", 512, 16, 8, 128, 2048, true},
      {"decode 1 / 2048", 1, 16, 8, 128, 2048, true},
  };
  std::printf("%-20s %6s %10s %10s %10s %8s\n", "shape", "dtype", "ms", "best ms", "GFLOP/s",
              "of GEMM");
  for (const shape& s : shapes) {
    for (const at::ScalarType t : {at::kBFloat16, at::kFloat}) {
      const at::Tensor q = at::randn({s.queries, s.heads, s.head_dim}).to(t);
      const at::Tensor kk = at::randn({s.kv_heads, s.keys, s.head_dim}).to(t);
      const at::Tensor v = at::randn({s.kv_heads, s.keys, s.head_dim}).to(t);
      const int64_t offset = s.causal ? s.keys - s.queries : -1;
      const double scale = 1.0 / std::sqrt(double(s.head_dim));
      (void)k::cpu_attention(q, kk, v, offset, scale);  // warm-up
      std::vector<double> ms;
      for (int r = 0; r < rounds; ++r) {
        ms.push_back(1e3 * seconds_of([&] { (void)k::cpu_attention(q, kk, v, offset, scale); }));
      }
      // The best round too: on a shared machine it is the least disturbed one.
      const double m = median(ms), best = *std::min_element(ms.begin(), ms.end());
      const double gflops = flops(s) / (m / 1e3) / 1e9;
      std::printf("%-20s %6s %10.3f %10.3f %10.1f %8.2f\n", s.name, t == at::kFloat ? "f32" : "bf16",
                  m, best, gflops, gflops / median(gemm));
    }
  }
  std::printf("\nloadavg after: %s\n", loadavg().c_str());
}
