#include "model/tokenizer/bpe_model.hpp"

#include <queue>
#include <stdexcept>

namespace vlserve::model {

bpe_model::bpe_model(string_id_map vocab) : vocab_(std::move(vocab)) {
  for (int b = 0; b < 256; ++b) {
    const auto it = vocab_.find(std::string(1, static_cast<char>(b)));
    if (it == vocab_.end())
      throw std::invalid_argument("byte-level vocabulary has no token for byte " + std::to_string(b));
    byte_ids_[b] = it->second;
  }
}

void bpe_model::add_merge(std::string_view left, std::string_view right) {
  const auto l = vocab_.find(left);
  const auto r = vocab_.find(right);
  joined_.assign(left).append(right);
  const auto m = vocab_.find(joined_);
  if (l == vocab_.end() || r == vocab_.end() || m == vocab_.end())
    throw std::invalid_argument("merge rule " + std::to_string(merges_.size()) + " names a token missing from the vocabulary");
  // A repeated rule keeps its first (better) rank, as the HF library does.
  merges_.try_emplace(pair_key(l->second, r->second), merge_rule{static_cast<std::int32_t>(merges_.size()), m->second});
}

const bpe_model::merge_rule* bpe_model::find_merge(std::int32_t a, std::int32_t b) const {
  const auto it = merges_.find(pair_key(a, b));
  return it == merges_.end() ? nullptr : &it->second;
}

void bpe_model::encode_piece(std::string_view piece, std::vector<std::int32_t>& out) const {
  if (piece.empty()) return;
  if (piece.size() == 1) {
    out.push_back(byte_ids_[static_cast<unsigned char>(piece[0])]);
    return;
  }
  if (piece.size() > cache_max_piece) {
    merge_bytes(piece, out);
    return;
  }
  {
    std::lock_guard lock(cache_mutex_);
    const auto it = cache_.find(piece);
    if (it != cache_.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  std::vector<std::int32_t> ids;
  merge_bytes(piece, ids);
  out.insert(out.end(), ids.begin(), ids.end());
  std::lock_guard lock(cache_mutex_);
  if (cache_.size() >= cache_capacity) cache_.clear();
  cache_.emplace(std::string(piece), std::move(ids));
}

// Merges the lowest-ranked adjacent pair first (leftmost on ties), like the HF BPE model: a heap of
// candidate merges over a linked list of symbols. Entries made stale by an earlier merge are
// recognised because the pair now at their position has a different rank.
void bpe_model::merge_bytes(std::string_view piece, std::vector<std::int32_t>& out) const {
  struct symbol {
    std::int32_t id;
    std::int32_t prev, next;  // indices into symbols; -1: none
    bool alive;
  };
  struct candidate {
    std::int32_t rank, pos;
    bool operator>(const candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
  };
  const auto n = static_cast<std::int32_t>(piece.size());
  std::vector<symbol> symbols(static_cast<std::size_t>(n));
  for (std::int32_t i = 0; i < n; ++i)
    symbols[i] = {byte_ids_[static_cast<unsigned char>(piece[i])], i - 1, i + 1 < n ? i + 1 : -1, true};

  std::priority_queue<candidate, std::vector<candidate>, std::greater<>> heap;
  auto consider = [&](std::int32_t pos) {
    if (pos < 0 || symbols[pos].next < 0) return;
    if (const merge_rule* m = find_merge(symbols[pos].id, symbols[symbols[pos].next].id)) heap.push({m->rank, pos});
  };
  for (std::int32_t i = 0; i + 1 < n; ++i) consider(i);

  while (!heap.empty()) {
    const candidate top = heap.top();
    heap.pop();
    symbol& left = symbols[top.pos];
    if (!left.alive || left.next < 0) continue;
    symbol& right = symbols[left.next];
    const merge_rule* m = find_merge(left.id, right.id);
    if (m == nullptr || m->rank != top.rank) continue;  // stale: this position changed since
    left.id = m->merged_id;
    right.alive = false;
    left.next = right.next;
    if (right.next >= 0) symbols[right.next].prev = top.pos;
    consider(left.prev);
    consider(top.pos);
  }
  for (std::int32_t i = 0; i >= 0; i = symbols[i].next) out.push_back(symbols[i].id);
}

}  // namespace vlserve::model
