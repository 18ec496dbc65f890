#include "actors/messages.hpp"

namespace vlserve::actors {

const char* state_name(session_state s) {
  switch (s) {
    case session_state::queued: return "queued";
    case session_state::running: return "running";
    case session_state::finished: return "finished";
    case session_state::cancelled: return "cancelled";
    case session_state::failed: return "failed";
    case session_state::interrupted: return "interrupted";
  }
  return "failed";
}

bool is_terminal(session_state s) {
  return s != session_state::queued && s != session_state::running;
}

}  // namespace vlserve::actors
