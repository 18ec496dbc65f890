// Float32 matrix products on vlserve's one thread pool. OpenBLAS (Debian's pthread build) keeps a
// thread pool of its own beside libtorch's OpenMP one; on a 2-core machine the two pools took turns
// spinning and yielding (perf: ~20 % of a vision-tower pass in sched_yield and libgomp's spin
// loop). So OpenBLAS is set to one thread at start-up, and products big enough to share are split
// over the OpenMP threads here: by rows for prompt chunks and the vision tower, by output columns
// for a few rows (float32 decode).
#pragma once

#include <ATen/ATen.h>

namespace vlserve::model::kernels {

// Sets OpenBLAS to one thread (found at run time; any other BLAS is left as it is) unless
// VLSERVE_BLAS_SPLIT=off. True when products should go through split_linear. Call once at start.
bool single_threaded_blas();

// x [M, K] float32 times w [N, K]ᵀ (+ bias [N]) on CPU, split over at::get_num_threads() parts.
at::Tensor split_linear(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias);

// Whether split_linear takes this product: CPU float32, 2-D, contiguous weight, and at least
// 2^21 multiply-adds (smaller ones stay on one thread).
bool split_linear_applicable(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias);

// A float32 product over dequantized (int8) weights: split_linear where it applies, else
// at::linear.
at::Tensor float32_linear(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias);

}  // namespace vlserve::model::kernels
