// The disconnect watchdog: cancels a running session once no client has been attached to it for
// CANCEL_AFTER_DISCONNECT_SECONDS. It only counts and times; the session decides what cancel means.
#pragma once

#include <caf/fwd.hpp>

#include <chrono>

namespace vlserve::actors {

struct watchdog_config {
  std::chrono::seconds grace{3600};  // 0 = never cancel

  // Throws std::invalid_argument for a negative grace.
  void validate() const;
};

// Messages it handles:
//   (vl_clients_atom, string session_id, actor session, int32 attached)  a session's client count changed
//   (vl_forget_atom, string session_id)                                 the session ended; stop watching
//   (vl_expire_atom, string session_id, uint64 epoch)                   internal timer
// Messages it sends:
//   to the session: (vl_cancel_atom, string reason = "disconnect")
caf::actor spawn_watchdog(caf::actor_system& sys, const watchdog_config& cfg);

}  // namespace vlserve::actors
