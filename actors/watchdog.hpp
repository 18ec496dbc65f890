// The disconnect watchdog: cancels a running session once no client has been attached to it for
// CANCEL_AFTER_DISCONNECT_SECONDS. It only counts and times; the session decides what cancel means.
#pragma once

#include <caf/fwd.hpp>

#include "actors/protocol.hpp"

#include <chrono>

namespace vlserve::actors {

struct watchdog_config {
  std::chrono::seconds grace{3600};  // 0 = never cancel

  // Throws std::invalid_argument for a negative grace.
  void validate() const;
};

// Its interface is `watchdog_actor` (actors/protocol.hpp). It tells a session nobody watches
// (vl_cancel_atom, "disconnect"), anonymously: the session's reply has no handler here.
watchdog_actor spawn_watchdog(caf::actor_system& sys, const watchdog_config& cfg);

}  // namespace vlserve::actors
