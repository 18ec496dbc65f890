#include "store/keys.hpp"

namespace vlserve::store {

std::string event_prefix(std::string_view session_id) {
  std::string out(session_id);
  out += ':';
  return out;
}

std::string event_key(std::string_view session_id, uint64_t index) {
  std::string out = event_prefix(session_id);
  char digits[event_index_digits];
  for (std::size_t i = event_index_digits; i-- > 0;) {
    digits[i] = static_cast<char>('0' + index % 10);
    index /= 10;
  }
  out.append(digits, event_index_digits);
  return out;
}

std::optional<uint64_t> parse_event_index(std::string_view key, std::string_view prefix) noexcept {
  if (key.size() != prefix.size() + event_index_digits || key.substr(0, prefix.size()) != prefix)
    return std::nullopt;
  uint64_t value = 0;
  for (char c : key.substr(prefix.size())) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

}  // namespace vlserve::store
