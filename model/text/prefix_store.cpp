#include "model/text/prefix_store.hpp"

#include <algorithm>
#include <iterator>

namespace vlserve::model {
namespace {

// Shorter histories are cheaper to recompute than to keep.
constexpr int64_t k_min_retained_tokens = 16;
// Bounds the linear scans of restore() and retain() however small the entries are.
constexpr int64_t k_max_entries = 512;
// A held history that a new one shares at least half of, and that differs from it only in its last
// k_max_dropped_tail tokens or fewer, is dropped for the new one: the next turn of a chat shares all
// of the previous turn's prompt (its answer's reasoning is not re-sent), and two chats over one
// long system prompt then hold that prompt once; what is lost is recomputed on a later hit.
constexpr int64_t k_max_dropped_tail = 512;

int64_t common_prefix(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  const auto n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return int64_t(i);
}

}  // namespace

std::list<prefix_store::entry>::const_iterator prefix_store::best_match(
    const std::vector<uint64_t>& keys, int64_t limit, int64_t& length) const {
  auto best = entries_.end();
  length = 0;
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    const int64_t n = std::min(common_prefix(it->keys, keys), limit);
    if (n > length) best = it, length = n;
  }
  return best;
}

int64_t prefix_store::longest(const std::vector<uint64_t>& keys, int64_t limit) const {
  int64_t length = 0;
  best_match(keys, limit, length);
  return length;
}

int64_t prefix_store::restore(const std::vector<uint64_t>& keys, int64_t limit, kv_cache& into) {
  int64_t best_len = 0;
  const auto best = best_match(keys, limit, best_len);
  if (best_len == 0) {
    ++stats_.misses;
    return 0;
  }
  into.copy_prefix(best->cache, best_len);
  entries_.splice(entries_.begin(), entries_, best);
  ++stats_.hits;
  stats_.reused_tokens += best_len;
  return best_len;
}

void prefix_store::retain(std::vector<uint64_t> keys, kv_cache&& cache) {
  const auto n = int64_t(keys.size());
  if (!enabled() || n < k_min_retained_tokens || n != cache.length() || cache.bytes() > stats_.max_bytes)
    return;
  for (auto it = entries_.begin(); it != entries_.end();) {
    const int64_t shared = common_prefix(it->keys, keys);
    if (shared == n) {  // an entry already holds all of it: refresh that one instead
      entries_.splice(entries_.begin(), entries_, it);
      return;
    }
    const auto held = int64_t(it->keys.size());
    if (shared == held || (2 * shared >= held && held - shared <= k_max_dropped_tail)) {
      it = erase(it);
      continue;
    }
    ++it;
  }
  evict_to(stats_.max_bytes - cache.bytes());
  stats_.bytes += cache.bytes();
  stats_.held_tokens += n;
  ++stats_.entries;
  entries_.push_front(entry{std::move(keys), std::move(cache)});
}

void prefix_store::evict_to(int64_t max_bytes) {
  while (!entries_.empty() && (stats_.bytes > max_bytes || stats_.entries >= k_max_entries)) {
    erase(std::prev(entries_.end()));
    ++stats_.evictions;
  }
}

std::list<prefix_store::entry>::iterator prefix_store::erase(std::list<entry>::iterator it) {
  stats_.bytes -= it->cache.bytes();
  stats_.held_tokens -= int64_t(it->keys.size());
  --stats_.entries;
  return entries_.erase(it);
}

}  // namespace vlserve::model
