// The vision feature cache: the tower's output (embeddings and deepstack features) for the images
// (or the videos) of a request, keyed by a hash of their decoded pixels and grids, bounded in bytes
// (VISION_CACHE_BYTES), least recently used evicted first. A chat re-sends its images with every
// turn; from the second turn on they skip the tower. The cached tensors are exactly what the tower
// returned for the same input, so a hit changes no value. Thread-safe. Torch-free header (pimpl).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "model/vision/patchify.hpp"

namespace vlserve::model::vision {

struct vision_features;  // model/vision/tower/vision_features.hpp

struct feature_cache_stats {
  int64_t max_bytes = 0, bytes = 0, entries = 0, hits = 0, misses = 0;
};

class feature_cache {
 public:
  explicit feature_cache(int64_t max_bytes);
  ~feature_cache();
  feature_cache(const feature_cache&) = delete;
  feature_cache& operator=(const feature_cache&) = delete;

  // The key of one tower call's input: the pixel rows and the grids of its items.
  static uint64_t key_of(std::span<const float> pixels, const std::vector<grid_thw>& grids);
  // True (and `out` set) on a hit.
  bool find(uint64_t key, vision_features& out);
  void insert(uint64_t key, const vision_features& features);
  feature_cache_stats stats() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace vlserve::model::vision
