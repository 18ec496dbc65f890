// Lifecycle of a persisted session. The numeric values are stored on disk: never renumber.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace vlserve::store {

enum class session_state : uint8_t {
  queued = 0,       // accepted, waiting for a slot in the model worker
  running = 1,      // the model worker is producing events
  finished = 2,     // generation ended normally (stop token or token limit)
  cancelled = 3,    // stopped by a cancel request or the disconnect watchdog
  failed = 4,       // generation ended with an error
  interrupted = 5,  // the process died while queued or running; set at the next startup
};

std::string_view to_string(session_state state) noexcept;
std::optional<session_state> parse_session_state(std::string_view text) noexcept;
std::optional<session_state> session_state_from_int(unsigned value) noexcept;
// Terminal states never change again and are the only ones the TTL sweep deletes.
bool is_terminal(session_state state) noexcept;

}  // namespace vlserve::store
