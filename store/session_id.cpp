#include "store/session_id.hpp"

#include <string>

#include "store/store_error.hpp"

namespace vlserve::store {

namespace {

bool allowed_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-' || c == '~';
}

// A short printable rendering of a rejected id for the error message (ids can be huge or binary).
std::string printable_prefix(std::string_view id) {
  constexpr std::size_t shown = 40;
  std::string out;
  for (std::size_t i = 0; i < id.size() && i < shown; ++i) {
    unsigned char c = static_cast<unsigned char>(id[i]);
    out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  }
  if (id.size() > shown) out += "...";
  return out;
}

}  // namespace

bool is_valid_session_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > max_session_id_length) return false;
  for (char c : id)
    if (!allowed_char(c)) return false;
  return true;
}

void validate_session_id(std::string_view id) {
  if (is_valid_session_id(id)) return;
  std::string why = id.empty() ? "it is empty"
                    : id.size() > max_session_id_length
                        ? "it has " + std::to_string(id.size()) + " characters"
                        : "it contains a character outside [A-Za-z0-9._~-]";
  throw store_error(store_errc::invalid_argument,
                    "invalid session id \"" + printable_prefix(id) + "\": " + why + "; use 1.." +
                        std::to_string(max_session_id_length) +
                        " characters from [A-Za-z0-9._-] (and '~', the owner separator)");
}

std::string scoped_session_id(const std::string& owner, const std::string& client_id) {
  return owner.empty() ? client_id : owner + "~" + client_id;
}

std::string client_session_id(const std::string& scoped_id) {
  const auto sep = scoped_id.find('~');
  return sep == std::string::npos ? scoped_id : scoped_id.substr(sep + 1);
}

}  // namespace vlserve::store
