// A fast 64-bit content hash (FNV-1a over 64-bit words, then the tail bytes) for cache keys of
// decoded media and vision features: one pass, ~1 ns per word. Not cryptographic. Torch-free.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vlserve::model {

inline constexpr uint64_t k_content_hash_seed = 0xcbf29ce484222325ull;

// Folds n bytes at `data` into `h` (start from k_content_hash_seed; chain calls to hash several ranges).
uint64_t content_hash(const void* data, size_t n, uint64_t h = k_content_hash_seed);

}  // namespace vlserve::model
