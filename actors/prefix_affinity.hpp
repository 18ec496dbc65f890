// Which worker last served a long prompt's opening tokens. The registry sends a conversation's
// next turn (and any chat with the same long system prompt) back to that worker while it has a
// free batch slot, because that node's prefix cache holds the history: on another node the whole
// prompt would be read again. Prompts shorter than kPrefixTokens are not worth routing for.
// Bounded (least recently used entries go first); one owner (the registry).
#pragma once

#include <caf/actor_addr.hpp>

#include <cstdint>
#include <list>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace vlserve::actors {

class prefix_affinity {
 public:
  static constexpr size_t kPrefixTokens = 256;
  static constexpr size_t kMaxEntries = 4096;

  // The key of a prompt's first kPrefixTokens tokens, or nullopt for a shorter prompt.
  static std::optional<uint64_t> key_of(const std::vector<int32_t>& prompt);

  // The worker that last served `key` (and marks it recently used), or nullopt.
  std::optional<caf::actor_addr> find(uint64_t key);
  void remember(uint64_t key, const caf::actor_addr& worker);
  // A worker left the cluster: its entries go.
  void forget_worker(const caf::actor_addr& worker);
  size_t size() const { return by_key_.size(); }

 private:
  using entry = std::pair<uint64_t, caf::actor_addr>;
  std::list<entry> order_;  // most recently used first
  std::unordered_map<uint64_t, std::list<entry>::iterator> by_key_;
};

}  // namespace vlserve::actors
