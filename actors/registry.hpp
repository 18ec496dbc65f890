// The session registry: maps session ids to live session actors, creates sessions, and brings
// stored sessions back from the persister when a client asks for one that is not in memory.
#pragma once

#include <caf/actor.hpp>

#include <chrono>
#include <functional>
#include <optional>

#include "actors/event_sink.hpp"
#include "actors/generation_job.hpp"
#include "actors/messages.hpp"

namespace vlserve::actors {

// Called with the session's info, or nullopt when the id is unknown. Runs on an actor thread.
using info_callback = std::function<void(std::optional<session_info>)>;

struct registry_config {
  caf::actor worker;
  caf::actor persister;  // null when PERSIST_SESSIONS=0
  caf::actor watchdog;   // null when CANCEL_AFTER_DISCONNECT_SECONDS=0
  size_t ring_capacity = 4096;
  std::chrono::seconds linger{600};
  std::chrono::seconds store_timeout{10};
  size_t max_live_sessions = 4096;  // beyond this, new sessions are refused (503)
  // A worker holding max_batch + max_queued generating sessions takes no more: 429.
  int64_t max_batch = 8;
  int64_t max_queued = 64;

  void validate() const;
};

// Messages it handles:
//   (vl_create_atom, session_info, generation_job, sink_ptr)   new session; sink gets its events
//                                                               (409 if the id exists, 503 if full,
//                                                               429 if every worker's queue is full)
//   (vl_subscribe_atom, string id, uint64 from, sink_ptr)       attach to a session (404 if unknown)
//   (vl_unsubscribe_atom, string id, sink_ptr)                  the client's connection closed
//   (vl_cancel_atom, string id, info_callback)                  cancel; callback gets the state
//   (vl_info_atom, string id, info_callback)                    session state and counts
//   (vl_stats_atom) -> uint64 live sessions                      for /metrics
//   (vl_interrupt_atom) -> bool                                  shutdown: every live session ends
//                                                                `interrupted` (answered once stored)
//   (vl_peer_atom, actor worker)                                a peer node's model worker joins;
//                                                               text prompts go to the least busy
//   (vl_done_atom, string id)                                   from a session: generation ended
caf::actor spawn_registry(caf::actor_system& sys, registry_config cfg);

}  // namespace vlserve::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vlserve::actors::info_callback)
