// The session actor: one per session id. Owns the ordered event log (a bounded in-memory ring;
// older events come back from the persister), its subscribers and its lifecycle state.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>

#include <chrono>
#include <cstdint>

#include "actors/generation_job.hpp"
#include "actors/messages.hpp"

namespace vlserve::actors {

struct session_config {
  session_info info;                     // id, model, created, include_usage; event_count for reloads
  caf::actor worker;                     // null for a session reloaded from the store (replay only)
  caf::actor persister;                  // null when PERSIST_SESSIONS=0
  caf::actor watchdog;                   // null when the watchdog is off
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

// Messages it handles:
//   (vl_admit_atom, generation_job)             start generating: stores the metadata, then asks the
//                                               worker to admit the job (a store failure closes the
//                                               clients with 500 and ends the session)
//   (vl_event_atom, stream_event)               from the worker: the next delta (index assigned here)
//   (vl_queued_atom)                            from the worker: the job is accepted; clients' streams
//                                               start and get keep-alive comments while quiet
//   (vl_keepalive_atom)                         its own tick, every `keepalive` until the end
//   (vl_subscribe_atom, sink_ptr, uint64 from)  deliver events from index `from` on, then live ones
//   (vl_unsubscribe_atom, sink_ptr)             the client went away
//   (vl_cancel_atom, string reason)  -> session_info   cancel if still queued/running (idempotent)
//   (vl_info_atom)                   -> session_info
//   (vl_interrupt_atom)              -> bool  shutdown: end `interrupted` (stored, then answered)
// Messages it sends:
//   worker:    (vl_admit_atom, generation_job, actor self), (vl_cancel_atom, string session_id)
//   persister: (vl_persist_atom, session_info) -> bool, (vl_persist_atom, string id, stream_event),
//              (vl_load_atom, string id, uint64 from, uint32 max) -> std::vector<stream_event>
//   watchdog:  (vl_clients_atom, string id, actor self, int32 attached), (vl_forget_atom, string id)
caf::actor spawn_session(caf::actor_system& sys, session_config cfg);

}  // namespace vlserve::actors
