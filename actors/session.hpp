// The session actor: one per session id. Owns the ordered event log (a bounded in-memory ring;
// older events come back from the persister), its subscribers and its lifecycle state.
#pragma once

#include <caf/actor_addr.hpp>

#include <chrono>
#include <cstdint>

#include "actors/generation_job.hpp"
#include "actors/messages.hpp"
#include "actors/protocol.hpp"

namespace vlserve::actors {

struct session_config {
  session_info info;                     // id, model, created, include_usage; event_count for reloads
  model_worker_actor worker;             // null for a session reloaded from the store (replay only)
  persister_actor persister;             // null when PERSIST_SESSIONS=0
  watchdog_actor watchdog;               // null when the watchdog is off
  // Told (vl_done_atom, id) when generation ends; may be null. A weak address: the registry holds
  // its sessions, so a strong handle back would be a cycle that keeps both alive at shutdown.
  caf::actor_addr registry;
  size_t ring_capacity = 4096;           // events kept in memory
  std::chrono::seconds linger{600};      // a finished session with no client quits after this
  std::chrono::seconds store_timeout{10};
  // Once the worker accepts the job, quiet clients get an SSE comment this often (0 = never).
  std::chrono::seconds keepalive{10};

  // Throws std::invalid_argument naming the bad field.
  void validate() const;
};

// Its interface is `session_actor` (actors/protocol.hpp). It sends the worker (vl_admit_atom,
// job, self) and (vl_cancel_atom, id); the persister metadata, events, flushes and loads; the
// watchdog client counts; the registry (vl_done_atom, id) when generation ends.
session_actor spawn_session(caf::actor_system& sys, session_config cfg);

}  // namespace vlserve::actors
