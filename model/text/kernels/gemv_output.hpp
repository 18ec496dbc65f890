// Where a GEMV writes its rows. A plain struct shared by the dispatcher and the per-ISA kernels;
// it has no inline functions on purpose (see gemv_isa_kernels.hpp for why).
#pragma once

#include <cstdint>

namespace vlserve::model::kernels {

// Exactly one of f32 / bf16 is set. Row m of the result starts at m * row_stride elements; column n
// is element n (so a [M, N] row-major tensor has row_stride = N).
struct gemv_output {
  float* f32 = nullptr;
  uint16_t* bf16 = nullptr;  // bf16 bit patterns, rounded to nearest even
  int64_t row_stride = 0;
};

}  // namespace vlserve::model::kernels
