#include "model/grammar/token_masker.hpp"

namespace vlserve::model::grammar {

void token_masker::walk(const json_matcher& m, const vocab_trie& t, std::uint32_t node, std::size_t depth,
                        token_mask& mask) {
  const auto& n = t.nodes()[node];
  if (depth > 0)
    for (std::uint32_t i = 0; i < n.token_count; ++i) mask.allow(t.tokens()[n.first_token + i]);
  for (std::uint32_t c = 0; c < n.child_count; ++c) {
    const std::uint32_t child = n.first_child + c;
    m.step(levels_[depth], t.nodes()[child].byte, levels_[depth + 1]);
    if (!levels_[depth + 1].stacks.empty()) walk(m, t, child, depth + 1, mask);
  }
}

void token_masker::fill(const json_matcher& m, const vocab_index& v, std::span<const std::int32_t> eos_ids,
                        std::size_t logits_size, token_mask& mask) {
  mask.reset(logits_size);
  const bool bulk = json_matcher::in_plain_string(m.state());
  const vocab_trie& t = bulk ? v.string_unsafe : v.all;
  if (levels_.size() < t.max_depth() + 1) levels_.resize(t.max_depth() + 1);
  levels_[0] = m.state();
  walk(m, t, 0, 0, mask);
  if (bulk) mask.merge(v.string_safe);
  if (m.can_end())
    for (const auto id : eos_ids) mask.allow(id);
}

}  // namespace vlserve::model::grammar
