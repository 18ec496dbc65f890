#include "model/text/prefix_store.hpp"

#include <algorithm>

namespace vlserve::model {
namespace {

// Shorter histories are cheaper to recompute than to keep.
constexpr int64_t k_min_retained_tokens = 16;
// Bounds the tree's bookkeeping however small the blocks are (a tiny test model's blocks are KiB).
constexpr int64_t k_max_blocks = 1 << 16;
constexpr uint64_t k_root_hash = 0x6a09e667f3bcc908ULL;

// The chained key of a block: the hash of its parent's chain and its own keys.
uint64_t chain(uint64_t h, const std::vector<uint64_t>& keys, int64_t pos, int64_t n) {
  for (int64_t i = pos; i < pos + n; ++i) {
    uint64_t z = h ^ (keys[size_t(i)] + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    h = z ^ (z >> 31);
  }
  return h;
}

}  // namespace

struct prefix_store::block {
  uint64_t id = 0;
  uint64_t hash = 0;  // chained over every key from the history's start through this block
  block* parent = nullptr;
  std::vector<uint64_t> keys;  // block_tokens of them, or fewer for a history's last block
  std::vector<at::Tensor> k, v;  // per layer [kv_heads, keys.size(), head_dim]
  int64_t bytes = 0;
  std::vector<block*> children;
  int64_t pins = 0;
  std::list<block*>::iterator lru;

  bool full() const { return int64_t(keys.size()) == block_tokens; }
  bool evictable() const { return pins == 0 && children.empty(); }
  // Keys this block shares with keys[pos...].
  int64_t shared(const std::vector<uint64_t>& other, int64_t pos) const {
    int64_t n = 0;
    while (n < int64_t(this->keys.size()) && pos + n < int64_t(other.size()) && this->keys[size_t(n)] == other[size_t(pos + n)])
      ++n;
    return n;
  }
};

struct prefix_store::match {
  std::vector<block*> path;  // the blocks the first `length` rows come from, in order
  int64_t length = 0;
};

prefix_store::prefix_store(int64_t max_bytes) { stats_.max_bytes = max_bytes; }

prefix_store::~prefix_store() = default;

prefix_store::block* prefix_store::full_child(const block* parent, uint64_t hash, const std::vector<uint64_t>& keys,
                                              int64_t pos) const {
  const auto [first, last] = full_by_hash_.equal_range(hash);
  for (auto it = first; it != last; ++it)
    if (it->second->parent == parent && it->second->shared(keys, pos) == block_tokens) return it->second;
  return nullptr;
}

prefix_store::match prefix_store::find(const std::vector<uint64_t>& keys, int64_t limit) const {
  match m;
  const block* node = nullptr;
  uint64_t h = k_root_hash;
  int64_t pos = 0;
  const auto n = int64_t(keys.size());
  while (pos + block_tokens <= n) {
    const uint64_t next = chain(h, keys, pos, block_tokens);
    block* b = full_child(node, next, keys, pos);
    if (!b) break;
    m.path.push_back(b);
    node = b, h = next, pos += block_tokens;
  }
  // Then the child (full or a history's last block) that goes furthest with the rest.
  block* best = nullptr;
  int64_t best_shared = 0;
  for (block* c : node ? node->children : roots_) {
    const int64_t s = c->shared(keys, pos);
    if (s > best_shared) best = c, best_shared = s;
  }
  if (best) m.path.push_back(best), pos += best_shared;
  m.length = std::min(pos, limit);
  m.path.resize(size_t((m.length + block_tokens - 1) / block_tokens));
  return m;
}

int64_t prefix_store::longest(const std::vector<uint64_t>& keys, int64_t limit) const {
  if (!enabled() || limit <= 0) return 0;
  return find(keys, limit).length;
}

int64_t prefix_store::restore(const std::vector<uint64_t>& keys, int64_t limit, kv_cache& into, lease& pinned) {
  const match m = limit > 0 ? find(keys, limit) : match{};
  if (m.length == 0) {
    ++stats_.misses;
    return 0;
  }
  into.reserve_extra(m.length);
  for (size_t layer = 0; layer < m.path.front()->k.size(); ++layer) {
    auto [k, v] = into.buffers(int64_t(layer));
    int64_t at = 0;
    for (const block* b : m.path) {
      const int64_t rows = std::min<int64_t>(int64_t(b->keys.size()), m.length - at);
      k.narrow(1, at, rows).copy_(b->k[layer].narrow(1, 0, rows));
      v.narrow(1, at, rows).copy_(b->v[layer].narrow(1, 0, rows));
      at += rows;
    }
  }
  into.commit(m.length);
  for (block* b : m.path) {
    if (b->pins++ == 0) ++stats_.pinned;
    pinned.push_back(b->id);
  }
  touch(m.path);
  ++stats_.hits;
  stats_.reused_tokens += m.length;
  return m.length;
}

void prefix_store::pin(const lease& held) {
  for (const uint64_t id : held)
    if (blocks_.at(id)->pins++ == 0) ++stats_.pinned;
}

void prefix_store::release(lease& held) {
  for (const uint64_t id : held)
    if (--blocks_.at(id)->pins == 0) --stats_.pinned;
  held.clear();
}

prefix_store::block* prefix_store::add_block(block* parent, uint64_t hash, const std::vector<uint64_t>& keys,
                                             int64_t pos, int64_t rows, const kv_cache& cache) {
  auto b = std::make_unique<block>();
  b->id = next_id_++;
  b->hash = hash;
  b->parent = parent;
  b->keys.assign(keys.begin() + pos, keys.begin() + pos + rows);
  const auto [k0, v0] = cache.buffers(0);
  const int64_t layer_bytes = 2 * k0.size(0) * rows * k0.size(2) * int64_t(k0.element_size());
  const int64_t layers = cache.layers();
  b->bytes = layers * layer_bytes;
  if (b->bytes > stats_.max_bytes) return nullptr;
  evict_to(stats_.max_bytes - b->bytes);
  if (stats_.bytes + b->bytes > stats_.max_bytes || int64_t(blocks_.size()) >= k_max_blocks) return nullptr;
  for (int64_t layer = 0; layer < layers; ++layer) {
    const auto [k, v] = cache.buffers(layer);
    b->k.push_back(k.narrow(1, pos, rows).clone());
    b->v.push_back(v.narrow(1, pos, rows).clone());
  }
  block* raw = b.get();
  (parent ? parent->children : roots_).push_back(raw);
  if (raw->full()) full_by_hash_.emplace(hash, raw);
  raw->lru = lru_.insert(lru_.begin(), raw);
  stats_.bytes += raw->bytes;
  stats_.held_tokens += rows;
  ++stats_.entries;
  blocks_.emplace(raw->id, std::move(b));
  return raw;
}

void prefix_store::retain(const std::vector<uint64_t>& keys, const kv_cache& cache) {
  const auto n = int64_t(keys.size());
  if (!enabled() || n < k_min_retained_tokens || n != cache.length()) return;
  std::vector<block*> path;
  block* node = nullptr;
  uint64_t h = k_root_hash;
  // The path so far is pinned while blocks are added, so making room never evicts the parent a
  // new block is about to hang from.
  for (int64_t pos = 0; pos < n;) {
    const int64_t rows = std::min(block_tokens, n - pos);
    block* b = nullptr;
    uint64_t next = h;
    if (rows == block_tokens) {
      next = chain(h, keys, pos, rows);
      b = full_child(node, next, keys, pos);
    } else {
      // A history's last rows: held already when a child starts with them.
      for (block* c : node ? node->children : roots_)
        if (c->shared(keys, pos) == rows) b = c;
      if (!b) next = chain(h, keys, pos, rows);
    }
    // A shorter last block of an earlier history that this one extends is dropped for it.
    auto& siblings = node ? node->children : roots_;
    for (size_t i = 0; !b && i < siblings.size();) {
      block* c = siblings[i];
      if (!c->full() && c->evictable() && int64_t(c->keys.size()) < rows && c->shared(keys, pos) == int64_t(c->keys.size())) {
        erase(c);
        continue;
      }
      ++i;
    }
    if (!b) b = add_block(node, next, keys, pos, rows, cache);
    if (!b) break;  // no room left: the rest of the history is not kept
    ++b->pins;
    path.push_back(b);
    node = b, h = next, pos += rows;
  }
  for (block* b : path) --b->pins;
  touch(path);
}

// Most recent first, and a parent ahead of its children, so eviction meets leaves first.
void prefix_store::touch(const std::vector<block*>& path) {
  for (auto it = path.rbegin(); it != path.rend(); ++it) lru_.splice(lru_.begin(), lru_, (*it)->lru);
}

void prefix_store::evict_to(int64_t max_bytes) {
  auto it = lru_.end();
  while ((stats_.bytes > max_bytes || int64_t(blocks_.size()) >= k_max_blocks) && it != lru_.begin()) {
    --it;
    if (!(*it)->evictable()) continue;
    it = erase(*it);
    ++stats_.evictions;
  }
}

std::list<prefix_store::block*>::iterator prefix_store::erase(block* b) {
  auto& siblings = b->parent ? b->parent->children : roots_;
  siblings.erase(std::find(siblings.begin(), siblings.end(), b));
  if (b->full()) {
    const auto [first, last] = full_by_hash_.equal_range(b->hash);
    for (auto it = first; it != last; ++it)
      if (it->second == b) {
        full_by_hash_.erase(it);
        break;
      }
  }
  stats_.bytes -= b->bytes;
  stats_.held_tokens -= int64_t(b->keys.size());
  --stats_.entries;
  const auto next = lru_.erase(b->lru);
  blocks_.erase(b->id);
  return next;
}

}  // namespace vlserve::model
