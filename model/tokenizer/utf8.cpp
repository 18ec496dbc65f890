#include "model/tokenizer/utf8.hpp"

namespace vlserve::model {

namespace {

// Allowed range of the second byte, which depends on the lead byte (this excludes overlong forms,
// surrogates and values above U+10FFFF); later continuation bytes are always 0x80..0xBF.
struct lead_info {
  int length;  // 0: not a valid lead byte
  unsigned char second_lo, second_hi;
};

lead_info lead_of(unsigned char b) {
  if (b < 0x80) return {1, 0, 0};
  if (b >= 0xC2 && b <= 0xDF) return {2, 0x80, 0xBF};
  if (b == 0xE0) return {3, 0xA0, 0xBF};
  if (b == 0xED) return {3, 0x80, 0x9F};
  if (b >= 0xE1 && b <= 0xEF) return {3, 0x80, 0xBF};
  if (b == 0xF0) return {4, 0x90, 0xBF};
  if (b >= 0xF1 && b <= 0xF3) return {4, 0x80, 0xBF};
  if (b == 0xF4) return {4, 0x80, 0x8F};
  return {0, 0, 0};
}

}  // namespace

utf8_step next_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const lead_info lead = lead_of(p[0]);
  if (lead.length == 1) return {utf8_step::kind::scalar, p[0], 1};
  if (lead.length == 0) return {utf8_step::kind::invalid, 0, 1};
  char32_t cp = p[0] & (0x7F >> lead.length);
  for (int i = 1; i < lead.length; ++i) {
    if (static_cast<std::size_t>(i) >= s.size()) return {utf8_step::kind::truncated, 0, s.size()};
    const unsigned char lo = i == 1 ? lead.second_lo : 0x80;
    const unsigned char hi = i == 1 ? lead.second_hi : 0xBF;
    if (p[i] < lo || p[i] > hi) return {utf8_step::kind::invalid, 0, static_cast<std::size_t>(i)};
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  return {utf8_step::kind::scalar, cp, static_cast<std::size_t>(lead.length)};
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string to_valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    // Copy ASCII runs without decoding: most text is mostly ASCII.
    std::size_t j = i;
    while (j < s.size() && static_cast<unsigned char>(s[j]) < 0x80) ++j;
    out.append(s.data() + i, j - i);
    i = j;
    if (i == s.size()) break;
    const utf8_step step = next_utf8(s.substr(i));
    if (step.what == utf8_step::kind::scalar)
      out.append(s.data() + i, step.length);
    else
      append_utf8(out, replacement_char);
    i += step.length;
  }
  return out;
}

bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const utf8_step step = next_utf8(s.substr(i));
    if (step.what != utf8_step::kind::scalar) return false;
    i += step.length;
  }
  return true;
}

}  // namespace vlserve::model
