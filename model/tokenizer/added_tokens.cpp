#include "model/tokenizer/added_tokens.hpp"

#include <algorithm>

#include "model/tokenizer/unicode_text.hpp"
#include "model/tokenizer/utf8.hpp"

namespace vlserve::model {

namespace {

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The scalar that ends text[0, end), or 0 when there is none.
char32_t scalar_before(std::string_view text, std::size_t end) {
  if (end == 0) return 0;
  std::size_t begin = end - 1;
  while (begin > 0 && end - begin < 4 && is_continuation(text[begin])) --begin;
  const utf8_step step = next_utf8(text.substr(begin, end - begin));
  return step.what == utf8_step::kind::scalar ? step.cp : replacement_char;
}

char32_t scalar_at(std::string_view text, std::size_t begin) {
  if (begin >= text.size()) return 0;
  const utf8_step step = next_utf8(text.substr(begin));
  return step.what == utf8_step::kind::scalar ? step.cp : replacement_char;
}

std::size_t scalar_length_at(std::string_view text, std::size_t begin) { return next_utf8(text.substr(begin)).length; }

bool is_word(char32_t cp) { return cp != 0 && is_word_char(cp); }

}  // namespace

added_token_matcher::added_token_matcher(const std::vector<added_token>& tokens) : by_first_byte_(256) {
  for (const added_token& t : tokens)
    if (!t.content.empty()) tokens_.push_back(t);
  for (std::size_t i = 0; i < tokens_.size(); ++i)
    by_first_byte_[static_cast<unsigned char>(tokens_[i].content[0])].push_back(i);
  for (auto& list : by_first_byte_)
    std::stable_sort(list.begin(), list.end(),
                     [&](std::size_t a, std::size_t b) { return tokens_[a].content.size() > tokens_[b].content.size(); });
}

added_token_matcher::match added_token_matcher::find(std::string_view text, std::size_t from) const {
  for (std::size_t i = from; i < text.size(); ++i) {
    for (const std::size_t k : by_first_byte_[static_cast<unsigned char>(text[i])]) {
      const std::string& c = tokens_[k].content;
      if (text.compare(i, c.size(), c) == 0) return {i, i + c.size(), &tokens_[k]};
    }
  }
  return {text.size(), text.size(), nullptr};
}

std::vector<text_segment> added_token_matcher::split(std::string_view text) const {
  std::vector<text_segment> out;
  std::size_t done = 0;  // end of the last emitted segment
  std::size_t from = 0;  // where the next search starts
  while (!tokens_.empty() && from < text.size()) {
    const match m = find(text, from);
    if (m.token == nullptr) break;
    from = m.end;
    std::size_t begin = m.begin, end = m.end;
    if (m.token->single_word && (is_word(scalar_before(text, begin)) || is_word(scalar_at(text, end)))) continue;
    if (m.token->lstrip) {
      while (begin > done && is_space(scalar_before(text, begin))) {
        std::size_t b = begin - 1;
        while (b > done && is_continuation(text[b])) --b;
        begin = b;
      }
    }
    if (m.token->rstrip) {
      while (end < text.size() && is_space(scalar_at(text, end))) end += scalar_length_at(text, end);
      from = end;
    }
    if (done < begin) out.push_back({done, begin, -1});
    out.push_back({begin, end, m.token->id});
    done = end;
  }
  if (done < text.size()) out.push_back({done, text.size(), -1});
  return out;
}

}  // namespace vlserve::model
