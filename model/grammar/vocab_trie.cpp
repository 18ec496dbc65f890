#include "model/grammar/vocab_trie.hpp"

#include <algorithm>

namespace vlserve::model::grammar {
namespace {

std::vector<std::int32_t> ordinary_tokens(const tokenizer& tok, bool only_string_unsafe) {
  std::vector<std::int32_t> ids;
  for (std::size_t id = 0; id < tok.vocab_size(); ++id) {
    const auto bytes = tok.token_bytes(std::int32_t(id));
    if (bytes.empty() || tok.is_special(std::int32_t(id))) continue;
    if (only_string_unsafe && plain_string_bytes(bytes)) continue;
    ids.push_back(std::int32_t(id));
  }
  std::stable_sort(ids.begin(), ids.end(),
                   [&](std::int32_t a, std::int32_t b) { return tok.token_bytes(a) < tok.token_bytes(b); });
  return ids;
}

}  // namespace

bool plain_string_bytes(std::string_view bytes) {
  for (const char c : bytes)
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
  return true;
}

// Breadth by level: the tokens sorted by bytes make every node's subtree one contiguous range,
// and children are appended together so they sit next to each other.
vocab_trie::vocab_trie(const tokenizer& tok, subset which) {
  tokens_ = ordinary_tokens(tok, which == subset::string_unsafe);
  struct pending { std::uint32_t node, lo, hi, depth; };
  std::vector<pending> queue{{0, 0, std::uint32_t(tokens_.size()), 0}};
  nodes_.push_back({});
  for (std::size_t q = 0; q < queue.size(); ++q) {
    auto [node, lo, hi, depth] = queue[q];
    max_depth_ = std::max<std::size_t>(max_depth_, depth);
    // Tokens that end at this depth come first in the sorted range.
    nodes_[node].first_token = lo;
    while (lo < hi && tok.token_bytes(tokens_[lo]).size() == depth) ++lo;
    nodes_[node].token_count = lo - nodes_[node].first_token;
    nodes_[node].first_child = std::uint32_t(nodes_.size());
    while (lo < hi) {
      const unsigned char b = static_cast<unsigned char>(tok.token_bytes(tokens_[lo])[depth]);
      std::uint32_t end = lo;
      while (end < hi && static_cast<unsigned char>(tok.token_bytes(tokens_[end])[depth]) == b) ++end;
      trie_node child;
      child.byte = b;
      queue.push_back({std::uint32_t(nodes_.size()), lo, end, depth + 1});
      nodes_.push_back(child);
      ++nodes_[node].child_count;
      lo = end;
    }
  }
}

vocab_index::vocab_index(const tokenizer& tok)
    : all(tok, vocab_trie::subset::all), string_unsafe(tok, vocab_trie::subset::string_unsafe), vocab_size(tok.vocab_size()) {
  string_safe.reset(vocab_size);
  for (std::size_t id = 0; id < vocab_size; ++id) {
    const auto bytes = tok.token_bytes(std::int32_t(id));
    if (!bytes.empty() && !tok.is_special(std::int32_t(id)) && plain_string_bytes(bytes)) string_safe.allow(std::int32_t(id));
  }
}

}  // namespace vlserve::model::grammar
