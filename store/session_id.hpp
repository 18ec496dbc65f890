// Which session ids the store accepts. Ids come from clients, so they are checked before they
// reach a key: the SSE id line is "session_id:index" and the event key uses ':' as separator,
// hence ':' (and anything outside a small safe set) is rejected. With API keys the HTTP layer
// stores "<owner tag>~<client id>" (a 17-character tag), so '~' is accepted and the limit leaves
// room for it above the 128 characters a client may choose.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vlserve::store {

inline constexpr std::size_t max_session_id_length = 160;

// 1..160 characters from [A-Za-z0-9._~-].
bool is_valid_session_id(std::string_view id) noexcept;
// Throws store_error(invalid_argument) saying what is wrong and what is accepted.
void validate_session_id(std::string_view id);

// The id the actors and the store use: the client's id under its owner tag ("demo" without keys).
std::string scoped_session_id(const std::string& owner, const std::string& client_id);
// The id the client knows: what follows the owner separator '~' (client ids never hold '~').
std::string client_session_id(const std::string& scoped_id);

}  // namespace vlserve::store
