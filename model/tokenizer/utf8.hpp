// UTF-8 reading with the "maximal subpart" replacement policy (Unicode §3.9, WHATWG), the policy of
// Rust's String::from_utf8_lossy and Python's errors="replace": each maximal ill-formed prefix of a
// sequence becomes one U+FFFD. Used both to clean encoder input and to turn decoded bytes into text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace vlserve::model {

inline constexpr char32_t replacement_char = 0xFFFD;

struct utf8_step {
  enum class kind { scalar, invalid, truncated };
  kind what;
  char32_t cp;         // the scalar value when what == scalar
  std::size_t length;  // bytes consumed: the sequence, or the maximal ill-formed subpart (>= 1)
};

// Reads one sequence at the start of `s` (s must not be empty). `truncated` means the bytes are a
// valid but unfinished prefix that runs into the end of `s`: more bytes could still complete it.
utf8_step next_utf8(std::string_view s);

void append_utf8(std::string& out, char32_t cp);

// `s` with every ill-formed subpart (including an unfinished tail) replaced by U+FFFD.
std::string to_valid_utf8(std::string_view s);
bool is_valid_utf8(std::string_view s);

}  // namespace vlserve::model
