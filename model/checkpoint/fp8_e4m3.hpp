// float8_e4m3fn (1 sign, 4 exponent bits with bias 7, 3 mantissa bits; no infinities, only
// S.1111.111 is NaN; largest finite ±448, smallest subnormal 2^-9), the element type of FP8
// checkpoints (safetensors dtype "F8_E4M3"). Torch-free: the checkpoint writer needs it too.
#pragma once

#include <cstdint>

namespace vlserve::model {

inline constexpr float k_e4m3_max = 448.0f;

// Exact: the 7 magnitude bits moved to float32's exponent/mantissa position read as 2^-120 times
// the value (subnormals included, as float32 subnormals), then scaled by 2^120.
float e4m3fn_to_float(uint8_t bits);
// Round to nearest, ties to even; magnitudes above 448 saturate to ±448 (as the FP8 quantizers
// clamp before casting); NaN stays NaN.
uint8_t float_to_e4m3fn(float value);

}  // namespace vlserve::model
