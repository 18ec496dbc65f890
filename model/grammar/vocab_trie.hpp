// The tokenizer's vocabulary as a byte trie, built once per tokenizer: a step's mask walks it
// with the matcher, so a shared prefix (say 12k tokens starting with a space) is matched once,
// and a byte the grammar refuses prunes every token below it.
#pragma once

#include <cstdint>
#include <vector>

#include "model/sampling/token_mask.hpp"
#include "model/tokenizer/tokenizer.hpp"

namespace vlserve::model::grammar {

class vocab_trie {
 public:
  struct trie_node {
    std::uint32_t first_child = 0, child_count = 0;  // children are consecutive nodes
    std::uint32_t first_token = 0, token_count = 0;  // ids whose bytes end here
    unsigned char byte = 0;                          // the edge from the parent
  };

  // Ordinary tokens only: special tokens (EOS, vision pads) never take part in a constrained answer.
  // `plain_string_safe` restricts to tokens without '"', '\\' or control bytes; `string_unsafe` to
  // the others (the mask's fast path marks the safe ones in bulk inside JSON strings).
  enum class subset { all, string_unsafe };
  vocab_trie(const tokenizer& tok, subset which);

  const std::vector<trie_node>& nodes() const { return nodes_; }
  const std::vector<std::int32_t>& tokens() const { return tokens_; }
  std::size_t max_depth() const { return max_depth_; }

 private:
  std::vector<trie_node> nodes_;     // nodes_[0] is the root
  std::vector<std::int32_t> tokens_;
  std::size_t max_depth_ = 0;
};

// Both tries plus the bulk set, shared by every constrained sequence of one tokenizer.
struct vocab_index {
  explicit vocab_index(const tokenizer& tok);
  vocab_trie all;
  vocab_trie string_unsafe;
  token_mask string_safe;  // tokens a free JSON string can take whole
  std::size_t vocab_size = 0;
};

// True for bytes that do not end or escape a JSON string and are not control characters.
bool plain_string_bytes(std::string_view bytes);

}  // namespace vlserve::model::grammar
