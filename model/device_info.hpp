// What the compute backend offers: threads and accelerators. Torch stays behind this header.
#pragma once

#include <string>

namespace vlserve::model {

// Sets libtorch's intra-op threads (0 = every core; libtorch defaults to half of them here).
void set_compute_threads(int threads);
int compute_threads();
bool cuda_available();
// TORCH_DTYPE=auto: bfloat16 on CUDA and on CPUs where vlserve's bf16 kernels run (AVX2+FMA or
// AVX512-BF16; half the weight bytes of float32, so faster decode), float32 elsewhere — there
// libtorch's bf16 GEMM is a ~1 GFLOP/s reference loop. Explicit values pass through.
std::string resolve_dtype(const std::string& torch_dtype, const std::string& device);
// Whether dense() has a bf16 kernel on this CPU (and VLSERVE_GEMV is not "off").
bool cpu_has_bf16_kernels();
// VISION_DTYPE=auto: the engine's dtype, except float32 for a bfloat16 engine on a CPU without
// AVX512-BF16. There every norm, GELU and residual converts bf16 on the way in and out and the
// float32 products run on OpenBLAS, so the tower (all prompt-sized products) runs ~10 % faster in
// float32 than in bf16 on the packed AVX2 GEMM, at twice its weights' bytes (~0.8 GB more for the
// 2B model). Its features are cast to the engine's dtype. Explicit values pass through.
std::string resolve_vision_dtype(const std::string& vision_dtype, const std::string& engine_dtype,
                                 const std::string& device);

// "libtorch 1.13.1, CPU" or with the CUDA device count.
std::string backend_description();

}  // namespace vlserve::model
