#include "store/session_state.hpp"

#include <array>

namespace vlserve::store {

namespace {

constexpr std::array<std::string_view, 6> state_names = {"queued",    "running", "finished",
                                                         "cancelled", "failed",  "interrupted"};

}  // namespace

std::string_view to_string(session_state state) noexcept {
  auto i = static_cast<std::size_t>(state);
  return i < state_names.size() ? state_names[i] : std::string_view("unknown");
}

std::optional<session_state> parse_session_state(std::string_view text) noexcept {
  for (std::size_t i = 0; i < state_names.size(); ++i)
    if (state_names[i] == text) return static_cast<session_state>(i);
  return std::nullopt;
}

std::optional<session_state> session_state_from_int(unsigned value) noexcept {
  if (value >= state_names.size()) return std::nullopt;
  return static_cast<session_state>(value);
}

bool is_terminal(session_state state) noexcept {
  return state != session_state::queued && state != session_state::running;
}

}  // namespace vlserve::store
