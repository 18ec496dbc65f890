// Peak matrix-product throughput of the compute backend (one large linear layer through dense(),
// the same call the decoder makes), for the prefill roofline. Torch-free header.
#pragma once

#include <cstdint>
#include <string>

namespace vlserve::model {

struct gemm_options {
  std::string dtype = "bfloat16";  // as engine_options::dtype
  std::string device = "cpu";
  int64_t m = 512, k = 2048, n = 6144;  // a prompt of m tokens through a 2048 -> 6144 projection
  int repeat = 5;                       // 1..1000 timed calls
};

struct gemm_result {
  // 2*m*k*n / the best call's time: a bound is what the machine does at its best; on a shared
  // machine the median call is the one a neighbour slowed, which would flatter every ratio to it.
  double gflops = 0;
  double median_ms = 0;
  double best_ms = 0;
  int64_t m = 0;  // rows used: options.m, or fewer when a slow kernel would take minutes
  std::string dtype;
};

// Throws std::invalid_argument on a bad dtype/device, non-positive sizes or repeat.
gemm_result measure_gemm_peak(const gemm_options& options);

}  // namespace vlserve::model
