#include "model/content_hash.hpp"

#include <cstring>

namespace vlserve::model {

uint64_t content_hash(const void* data, size_t n, uint64_t h) {
  constexpr uint64_t prime = 0x100000001b3ull;
  const auto* p = static_cast<const unsigned char*>(data);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, 8);
    h = (h ^ word) * prime;
  }
  for (; i < n; ++i) h = (h ^ p[i]) * prime;
  return h;
}

}  // namespace vlserve::model
