#include "model/checkpoint/fp8_e4m3.hpp"

#include <cmath>
#include <cstring>
#include <limits>

namespace vlserve::model {

float e4m3fn_to_float(uint8_t bits) {
  if ((bits & 0x7f) == 0x7f) return std::numeric_limits<float>::quiet_NaN();
  const uint32_t u = (uint32_t(bits & 0x80) << 24) | (uint32_t(bits & 0x7f) << 20);
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f * 0x1p120f;
}

uint8_t float_to_e4m3fn(float value) {
  if (std::isnan(value)) return 0x7f;
  const uint8_t sign = std::signbit(value) ? 0x80 : 0x00;
  const float a = std::fabs(value);
  if (a >= k_e4m3_max) return sign | 0x7e;
  if (a < 0x1p-6f) {
    // Subnormal range, steps of 2^-9; a result of 8 is the smallest normal (0x08), as it should be.
    return sign | uint8_t(std::nearbyint(a * 512.0f));
  }
  int e = 0;
  const float fraction = std::frexp(a, &e);  // a = fraction * 2^e, fraction in [0.5, 1)
  int exponent = e - 1;                      // a = 1.m * 2^exponent, exponent in [-6, 8]
  int mantissa = int(std::nearbyint((fraction * 2.0f - 1.0f) * 8.0f));
  if (mantissa == 8) {  // rounded up to the next power of two
    mantissa = 0;
    ++exponent;
  }
  return sign | uint8_t((exponent + 7) << 3) | uint8_t(mantissa);
}

}  // namespace vlserve::model
