// LMDB key layout of the event log.
//
// key = session id + ':' + index as 10 decimal digits, zero-padded, so byte order = index order:
//   ("chat-7", 0)    -> "chat-7:0000000000"
//   ("chat-7", 12)   -> "chat-7:0000000012"   sorts after "chat-7:0000000009", as it must
// ':' cannot occur in an id, so the prefix "chat-7:" never matches the events of "chat-70".
// Event index i is SSE event i of the session, i.e. the "index" in the SSE id "chat-7:i".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vlserve::store {

inline constexpr std::size_t event_index_digits = 10;
inline constexpr uint64_t max_event_index = 9'999'999'999ull;

std::string event_prefix(std::string_view session_id);
// index must be <= max_event_index (the caller enforces the per-session bound first).
std::string event_key(std::string_view session_id, uint64_t index);
// The index of a key that starts with prefix; nullopt if the rest is not exactly 10 digits.
std::optional<uint64_t> parse_event_index(std::string_view key, std::string_view prefix) noexcept;

}  // namespace vlserve::store
