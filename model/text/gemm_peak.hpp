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
  int repeat = 5;                       // 1..1000, median reported
};

struct gemm_result {
  double gflops = 0;  // 2*m*k*n / median time
  double median_ms = 0;
  int64_t m = 0;  // rows used: options.m, or fewer when a slow kernel would take minutes
  std::string dtype;
};

// Throws std::invalid_argument on a bad dtype/device, non-positive sizes or repeat.
gemm_result measure_gemm_peak(const gemm_options& options);

}  // namespace vlserve::model
