// bf16 bit patterns for the torch-free kernel tests: a bf16 value is the top half of a float32.
#pragma once

#include <cstdint>
#include <cstring>

namespace vlserve::model::kernels::test_bits {

// Round to nearest even (the tests' inputs hold no NaNs).
inline uint16_t to_bf16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  u += 0x7fffu + ((u >> 16) & 1u);
  return uint16_t(u >> 16);
}

inline float from_bf16(uint16_t b) {
  const uint32_t u = uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

}  // namespace vlserve::model::kernels::test_bits
