#include "model/vision/tower/feature_cache.hpp"

#include <list>
#include <mutex>

#include "model/content_hash.hpp"
#include "model/vision/tower/vision_features.hpp"

namespace vlserve::model::vision {
namespace {

int64_t bytes_of(const vision_features& f) {
  int64_t n = f.embeds.defined() ? int64_t(f.embeds.nbytes()) : 0;
  for (const auto& d : f.deepstack) n += int64_t(d.nbytes());
  return n;
}

}  // namespace

struct feature_cache::impl {
  struct entry {
    uint64_t key;
    vision_features features;
    int64_t bytes;
  };
  std::mutex mutex;
  std::list<entry> entries;  // most recently used first
  feature_cache_stats stats;
};

feature_cache::feature_cache(int64_t max_bytes) : impl_(std::make_unique<impl>()) {
  impl_->stats.max_bytes = max_bytes;
}

feature_cache::~feature_cache() = default;

uint64_t feature_cache::key_of(std::span<const float> pixels, const std::vector<grid_thw>& grids) {
  uint64_t h = k_content_hash_seed;
  for (const grid_thw& g : grids) {
    const int64_t thw[3] = {g.t, g.h, g.w};
    h = content_hash(thw, sizeof thw, h);
  }
  return content_hash(pixels.data(), pixels.size_bytes(), h);
}

bool feature_cache::find(uint64_t key, vision_features& out) {
  impl& m = *impl_;
  std::lock_guard<std::mutex> lock(m.mutex);
  for (auto it = m.entries.begin(); it != m.entries.end(); ++it) {
    if (it->key != key) continue;
    m.entries.splice(m.entries.begin(), m.entries, it);
    ++m.stats.hits;
    out = m.entries.front().features;
    return true;
  }
  ++m.stats.misses;
  return false;
}

void feature_cache::insert(uint64_t key, const vision_features& features) {
  const int64_t size = bytes_of(features);
  impl& m = *impl_;
  std::lock_guard<std::mutex> lock(m.mutex);
  if (size > m.stats.max_bytes) return;
  for (const impl::entry& e : m.entries)
    if (e.key == key) return;
  while (!m.entries.empty() && m.stats.bytes + size > m.stats.max_bytes) {
    m.stats.bytes -= m.entries.back().bytes;
    --m.stats.entries;
    m.entries.pop_back();
  }
  m.entries.push_front(impl::entry{key, features, size});
  m.stats.bytes += size;
  ++m.stats.entries;
}

feature_cache_stats feature_cache::stats() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->stats;
}

}  // namespace vlserve::model::vision
