#include <string>
#include <vector>

#include "config/json.hpp"

namespace vlserve::config {
namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// If a JSON number starts at `i` whose digits are all zeros and which has an exponent ("0e5",
// "-0.00E+300"), its end; else 0. Only exact JSON number syntax matches, so a rewrite never turns
// invalid text into valid text.
size_t zero_with_exponent_end(std::string_view t, size_t i) {
  if (i < t.size() && t[i] == '-') ++i;
  if (i >= t.size() || t[i] != '0') return 0;
  ++i;
  if (i < t.size() && t[i] == '.') {
    const size_t first = ++i;
    while (i < t.size() && t[i] == '0') ++i;
    if (i == first || (i < t.size() && digit(t[i]))) return 0;
  }
  if (i >= t.size() || (t[i] != 'e' && t[i] != 'E')) return 0;
  ++i;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
  const size_t exponent = i;
  while (i < t.size() && digit(t[i])) ++i;
  return i == exponent ? 0 : i;
}

// Start offsets and ends of every such number outside strings.
std::vector<std::pair<size_t, size_t>> zero_exponent_numbers(std::string_view t) {
  std::vector<std::pair<size_t, size_t>> found;
  for (size_t i = 0; i < t.size();) {
    const char c = t[i];
    if (c == '"') {
      // Skip the string: to the next unescaped quote (or the end of a malformed document).
      for (i = i + 1; i < t.size();) {
        i = t.find_first_of("\"\\", i);
        if (i == std::string_view::npos) return found;
        if (t[i] == '\\') {
          i += 2;
          continue;
        }
        ++i;
        break;
      }
      continue;
    }
    if (c == '-' || digit(c)) {
      const bool token_start = i == 0 || !(digit(t[i - 1]) || t[i - 1] == '.' || t[i - 1] == '-' || t[i - 1] == '+' ||
                                           t[i - 1] == 'e' || t[i - 1] == 'E');
      if (token_start) {
        if (const size_t end = zero_with_exponent_end(t, i)) {
          found.emplace_back(i, end);
          i = end;
          continue;
        }
      }
      ++i;
      while (i < t.size() && (digit(t[i]) || t[i] == '.' || t[i] == 'e' || t[i] == 'E' || t[i] == '+' || t[i] == '-'))
        ++i;
      continue;
    }
    ++i;
  }
  return found;
}

}  // namespace

void parse_untrusted(rapidjson::Document& doc, std::string_view text) {
  const auto numbers = zero_exponent_numbers(text);
  if (numbers.empty()) {
    doc.Parse<untrusted_json_flags>(text.data(), text.size());
    return;
  }
  // Same length, so parse error offsets still point into the client's text.
  std::string fixed(text);
  for (const auto& [begin, end] : numbers) {
    size_t i = begin;
    if (fixed[i] == '-') ++i;
    fixed[i++] = '0';
    fixed[i++] = '.';
    while (i < end) fixed[i++] = '0';
  }
  doc.Parse<untrusted_json_flags>(fixed.data(), fixed.size());
}

}  // namespace vlserve::config
