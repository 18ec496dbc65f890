// What the compute backend offers: threads and accelerators. Torch stays behind this header.
#pragma once

#include <string>

namespace vlserve::model {

// Sets libtorch's intra-op threads (0 = every core; libtorch defaults to half of them here).
void set_compute_threads(int threads);
int compute_threads();
bool cuda_available();
// TORCH_DTYPE=auto: bfloat16 on CUDA and on CPUs with AVX512-BF16 (fast bf16 matmuls), float32
// elsewhere — without AVX512-BF16 libtorch's bf16 GEMM falls back to a reference loop (~1 GFLOP/s),
// which makes prefill hundreds of times slower than float32 on OpenBLAS. Explicit values pass through.
std::string resolve_dtype(const std::string& torch_dtype, const std::string& device);
bool cpu_has_avx512_bf16();

// "libtorch 1.13.1, CPU" or with the CUDA device count.
std::string backend_description();

}  // namespace vlserve::model
