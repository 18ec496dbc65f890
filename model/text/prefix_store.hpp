// The prefix cache: KV caches of finished (or cancelled) sequences kept under a byte bound, keyed
// by the key of every cached token, so a new sequence whose prompt starts the same way copies that
// KV instead of recomputing it — the next turn of a chat re-sends the whole history. Keys are token
// ids, except that vision rows carry a hash of their media's content (see prompt_cache_keys.hpp),
// so two images never match by their identical pad tokens.
//
// Whole entries, least recently used evicted first. A hit copies the shared prefix into the new
// sequence's own cache: no running sequence ever reads the store, so eviction needs no pinning.
// An entry that a newer one covers, or shares at least half of and differs from only in a short
// tail (the previous turn of the same chat; another chat over the same long system prompt), is
// dropped for the newer one, so a shared prefix is held once. Model-internal (ATen).
#pragma once

#include <cstdint>
#include <list>
#include <vector>

#include "model/text/kv_cache.hpp"

namespace vlserve::model {

struct prefix_cache_stats {
  int64_t max_bytes = 0;
  int64_t bytes = 0;           // KV bytes held (allocated capacity of every entry)
  int64_t entries = 0;
  int64_t held_tokens = 0;     // tokens held over all entries
  int64_t hits = 0;            // restores that reused at least one token
  int64_t misses = 0;
  int64_t reused_tokens = 0;   // prompt tokens not recomputed, over all hits
  int64_t evictions = 0;
};

class prefix_store {
 public:
  explicit prefix_store(int64_t max_bytes) { stats_.max_bytes = max_bytes; }

  bool enabled() const { return stats_.max_bytes > 0; }
  // Copies the longest held prefix of `keys` (at most `limit` tokens) into `into`, which must be
  // empty; returns the tokens copied (0 = miss).
  int64_t restore(const std::vector<uint64_t>& keys, int64_t limit, kv_cache& into);
  // The length restore() would copy, without copying or counting.
  int64_t longest(const std::vector<uint64_t>& keys, int64_t limit) const;
  // Keeps `cache`, whose first keys.size() tokens are keyed by `keys` (keys.size() must equal
  // cache.length(); anything else is dropped). Evicts least recently used entries to fit.
  void retain(std::vector<uint64_t> keys, kv_cache&& cache);
  const prefix_cache_stats& stats() const { return stats_; }

 private:
  struct entry {
    std::vector<uint64_t> keys;
    kv_cache cache;
  };
  void evict_to(int64_t max_bytes);
  // Removes one entry and its bytes, tokens and count from the statistics.
  std::list<entry>::iterator erase(std::list<entry>::iterator it);
  std::list<entry>::const_iterator best_match(const std::vector<uint64_t>& keys, int64_t limit,
                                                     int64_t& length) const;

  std::list<entry> entries_;  // most recently used first
  prefix_cache_stats stats_;
};

}  // namespace vlserve::model
