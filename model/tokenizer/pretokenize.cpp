#include "model/tokenizer/pretokenize.hpp"

#include <cstdint>

#include "model/tokenizer/unicode_text.hpp"
#include "model/tokenizer/utf8.hpp"

namespace vlserve::model {

const std::string_view qwen2_split_pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

namespace {

enum : std::uint8_t { letter = 1, number = 2, space = 4, newline = 8 };  // newline: \r or \n

struct scalar {
  char32_t cp;
  std::uint8_t cls;
  std::uint32_t offset;  // byte offset in the text
};

std::vector<scalar> classify(std::string_view text) {
  std::vector<scalar> out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const utf8_step step = next_utf8(text.substr(i));
    // The input is valid UTF-8; a stray bad byte still gets a class (other) rather than a crash.
    const char32_t cp = step.what == utf8_step::kind::scalar ? step.cp : replacement_char;
    std::uint8_t cls = 0;
    if (is_letter(cp)) cls |= letter;
    if (is_number(cp)) cls |= number;
    if (is_space(cp)) cls |= space;
    if (cp == '\r' || cp == '\n') cls |= newline;
    out.push_back({cp, cls, static_cast<std::uint32_t>(i)});
    i += step.length;
  }
  return out;
}

bool is_other(std::uint8_t cls) { return (cls & (letter | number | space)) == 0; }

// Case-insensitive match of one ASCII letter, with the Unicode fold of U+017F (long s) to 's'.
bool folds_to(char32_t cp, char lower) {
  if (cp < 0x80) return (cp | 0x20) == static_cast<char32_t>(lower);
  return lower == 's' && cp == 0x17F;
}

// Length in scalars of the match starting at i (always >= 1).
std::size_t match_at(const std::vector<scalar>& s, std::size_t i) {
  const std::size_t n = s.size();
  auto at = [&](std::size_t k, char lower) { return k < n && folds_to(s[k].cp, lower); };

  // (?i:'s|'t|'re|'ve|'m|'ll|'d)
  if (s[i].cp == '\'') {
    if (at(i + 1, 's') || at(i + 1, 't') || at(i + 1, 'm') || at(i + 1, 'd')) return 2;
    if ((at(i + 1, 'r') && at(i + 2, 'e')) || (at(i + 1, 'v') && at(i + 2, 'e')) ||
        (at(i + 1, 'l') && at(i + 2, 'l')))
      return 3;
  }
  // [^\r\n\p{L}\p{N}]?\p{L}+
  {
    std::size_t j = i;
    if ((s[i].cls & (letter | number | newline)) == 0 && i + 1 < n && (s[i + 1].cls & letter)) ++j;
    if (s[j].cls & letter) {
      while (j < n && (s[j].cls & letter)) ++j;
      return j - i;
    }
  }
  // \p{N}
  if (s[i].cls & number) return 1;
  // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
  {
    std::size_t j = i;
    if (s[i].cp == ' ' && i + 1 < n && is_other(s[i + 1].cls)) ++j;
    if (is_other(s[j].cls)) {
      while (j < n && is_other(s[j].cls)) ++j;
      while (j < n && (s[j].cls & newline)) ++j;
      return j - i;
    }
  }
  // What is left at i is whitespace. r: end of the maximal whitespace run.
  std::size_t r = i;
  while (r < n && (s[r].cls & space)) ++r;
  // \s*[\r\n]+ : backtracking ends the match just after the run's last \r or \n.
  for (std::size_t k = r; k > i; --k)
    if (s[k - 1].cls & newline) return k - i;
  // \s+(?!\S) : the whole run at the end of text, else the run minus its last scalar.
  if (r == n || r - i >= 2) return r == n ? r - i : r - i - 1;
  // \s+ (a lone whitespace scalar before a non-space)
  return r - i;
}

}  // namespace

std::vector<std::string_view> qwen2_pretokenize(std::string_view text) {
  const std::vector<scalar> s = classify(text);
  std::vector<std::string_view> pieces;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t len = match_at(s, i);
    const std::size_t begin = s[i].offset;
    const std::size_t end = i + len < s.size() ? s[i + len].offset : text.size();
    pieces.push_back(text.substr(begin, end - begin));
    i += len;
  }
  return pieces;
}

}  // namespace vlserve::model
