#include "actors/prefix_affinity.hpp"

#include "model/content_hash.hpp"

namespace vlserve::actors {

std::optional<uint64_t> prefix_affinity::key_of(const std::vector<int32_t>& prompt) {
  if (prompt.size() < kPrefixTokens) return std::nullopt;
  return model::content_hash(prompt.data(), kPrefixTokens * sizeof(int32_t));
}

std::optional<caf::actor_addr> prefix_affinity::find(uint64_t key) {
  const auto it = by_key_.find(key);
  if (it == by_key_.end()) return std::nullopt;
  order_.splice(order_.begin(), order_, it->second);
  return it->second->second;
}

void prefix_affinity::remember(uint64_t key, const caf::actor_addr& worker) {
  if (const auto it = by_key_.find(key); it != by_key_.end()) {
    it->second->second = worker;
    order_.splice(order_.begin(), order_, it->second);
    return;
  }
  order_.emplace_front(key, worker);
  by_key_[key] = order_.begin();
  while (by_key_.size() > kMaxEntries) {
    by_key_.erase(order_.back().first);
    order_.pop_back();
  }
}

void prefix_affinity::forget_worker(const caf::actor_addr& worker) {
  for (auto it = order_.begin(); it != order_.end();) {
    if (it->second == worker) {
      by_key_.erase(it->first);
      it = order_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace vlserve::actors
