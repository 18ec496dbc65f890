// The prefix cache: KV of finished (or cancelled) sequences kept under a byte bound, so a new
// sequence whose prompt starts the same way copies that KV instead of recomputing it — the next
// turn of a chat re-sends the whole history, and chats over one system prompt share its opening.
// Keys are token ids, except that vision rows carry a hash of their media's content (see
// prompt_cache_keys.hpp), so two images never match by their identical pad tokens.
//
// Held in blocks of block_tokens rows. A full block is found by a chained hash of every key up to
// and including it (so equal blocks after different prefixes stay apart), which makes the blocks a
// tree: two histories that share an opening share its blocks, held once. A history's last,
// shorter block is a leaf. A lookup follows full blocks by hash, then takes the child that shares
// the most keys with the rest of the prompt, so a hit may end inside a block (at the exact token
// where the prompts part). Restoring copies the rows into the new sequence's own cache; the blocks
// it came from stay pinned (reference counts) until that sequence ends, and a block with children
// is never evicted either, so eviction (least recently used first, one block at a time) never
// breaks a chain or frees what a running sequence started from. Model-internal (ATen).
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <unordered_map>
#include <vector>

#include "model/text/kv_cache.hpp"

namespace vlserve::model {

struct prefix_cache_stats {
  int64_t max_bytes = 0;
  int64_t bytes = 0;           // KV bytes held (every block's tensors, exactly)
  int64_t entries = 0;         // blocks held
  int64_t held_tokens = 0;     // rows held over all blocks (a shared prefix counts once)
  int64_t hits = 0;            // restores that reused at least one token
  int64_t misses = 0;
  int64_t reused_tokens = 0;   // prompt tokens not recomputed, over all hits
  int64_t evictions = 0;       // blocks evicted
  int64_t pinned = 0;          // blocks a running sequence started from
};

class prefix_store {
 public:
  // 32 rows: a system prompt or a history is shared in all but its last < 32 rows, and the last
  // block's rows are still reused up to the exact token where prompts differ; a 2B-model block
  // (28 layers x K,V x 8 heads x 128 x bf16) is 3.5 MiB, so the tree stays a few thousand nodes
  // even at 4 GiB, and each block is one tensor copy per layer.
  static constexpr int64_t block_tokens = 32;
  // Blocks a running sequence holds pinned (ids); given back with release().
  using lease = std::vector<uint64_t>;

  explicit prefix_store(int64_t max_bytes);
  ~prefix_store();
  prefix_store(const prefix_store&) = delete;
  prefix_store& operator=(const prefix_store&) = delete;

  bool enabled() const { return stats_.max_bytes > 0; }
  // Copies the longest held prefix of `keys` (at most `limit` tokens) into `into`, which must be
  // empty; pins the blocks it read into `pinned`; returns the tokens copied (0 = miss).
  int64_t restore(const std::vector<uint64_t>& keys, int64_t limit, kv_cache& into, lease& pinned);
  // The length restore() would copy, without copying, pinning or counting.
  int64_t longest(const std::vector<uint64_t>& keys, int64_t limit) const;
  // Keeps the rows of `cache` (whose first keys.size() tokens keys key; keys.size() must equal
  // cache.length(), else nothing is kept): blocks already held are shared, the others copied.
  // Evicts least recently used blocks to fit; stops keeping when even that leaves no room.
  void retain(const std::vector<uint64_t>& keys, const kv_cache& cache);
  // Pins the blocks of `held` once more (a forked sequence starts from the same prefix).
  void pin(const lease& held);
  // Gives back a sequence's pins (at its end); clears `held`.
  void release(lease& held);
  // Evicts every block nobody pins (least recently used first).
  void evict_unpinned() { evict_to(0); }
  const prefix_cache_stats& stats() const { return stats_; }

 private:
  struct block;
  struct match;
  match find(const std::vector<uint64_t>& keys, int64_t limit) const;
  block* full_child(const block* parent, uint64_t hash, const std::vector<uint64_t>& keys, int64_t pos) const;
  block* add_block(block* parent, uint64_t hash, const std::vector<uint64_t>& keys, int64_t pos, int64_t rows,
                   const kv_cache& cache);
  void touch(const std::vector<block*>& path);
  void evict_to(int64_t max_bytes);
  std::list<block*>::iterator erase(block* b);

  std::unordered_map<uint64_t, std::unique_ptr<block>> blocks_;  // by id
  std::unordered_multimap<uint64_t, block*> full_by_hash_;         // chained hash -> full block
  std::vector<block*> roots_;                                      // blocks that start a history
  std::list<block*> lru_;                                          // most recently used first
  uint64_t next_id_ = 1;
  prefix_cache_stats stats_;
};

}  // namespace vlserve::model
