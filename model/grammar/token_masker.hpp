// One step's token mask: every ordinary token whose bytes the matcher accepts from its current
// state, found by walking the vocabulary trie (a refused byte prunes its whole subtree), plus the
// EOS ids once the answer is complete. Inside free JSON string text the string-safe tokens are
// marked in bulk and only the others are walked.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "model/grammar/json_matcher.hpp"
#include "model/grammar/vocab_trie.hpp"
#include "model/sampling/token_mask.hpp"

namespace vlserve::model::grammar {

class token_masker {
 public:
  // `logits_size` may exceed the vocabulary (the embedding table is padded); those ids stay masked.
  void fill(const json_matcher& m, const vocab_index& v, std::span<const std::int32_t> eos_ids,
            std::size_t logits_size, token_mask& mask);

 private:
  void walk(const json_matcher& m, const vocab_trie& t, std::uint32_t node, std::size_t depth, token_mask& mask);
  std::vector<match_state> levels_;  // the state after each depth's byte, reused across steps
};

}  // namespace vlserve::model::grammar
