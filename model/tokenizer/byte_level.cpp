#include "model/tokenizer/byte_level.hpp"

#include <array>

#include "model/tokenizer/utf8.hpp"

namespace vlserve::model {

namespace {

// Printable Latin-1 bytes stand for themselves; the other 68 bytes, in increasing order, take
// U+0100, U+0101, ... so that no stand-in is whitespace or a control character.
struct tables {
  std::array<char32_t, 256> to_char{};
  std::array<int, 0x200> to_byte{};  // indexed by stand-in code point; -1: none

  tables() {
    to_byte.fill(-1);
    char32_t next = 0x100;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      to_char[b] = printable ? static_cast<char32_t>(b) : next++;
      to_byte[to_char[b]] = b;
    }
  }
};

const tables& table() {
  static const tables t;
  return t;
}

}  // namespace

char32_t byte_to_char(unsigned char b) { return table().to_char[b]; }

std::optional<std::string> spelling_to_bytes(std::string_view spelling) {
  std::string out;
  out.reserve(spelling.size());
  std::size_t i = 0;
  while (i < spelling.size()) {
    const utf8_step step = next_utf8(spelling.substr(i));
    if (step.what != utf8_step::kind::scalar || step.cp >= table().to_byte.size()) return std::nullopt;
    const int b = table().to_byte[step.cp];
    if (b < 0) return std::nullopt;
    out.push_back(static_cast<char>(b));
    i += step.length;
  }
  return out;
}

std::string bytes_to_spelling(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) append_utf8(out, byte_to_char(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace vlserve::model
