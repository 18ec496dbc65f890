// The session registry: maps session ids to live session actors, creates sessions, and brings
// stored sessions back from the persister when a client asks for one that is not in memory.
#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include "actors/event_sink.hpp"
#include "actors/generation_job.hpp"
#include "actors/messages.hpp"
#include "actors/metrics.hpp"
#include "actors/protocol.hpp"

namespace vlserve::actors {

class cluster_members;

struct registry_config {
  model_worker_actor worker;
  persister_actor persister;  // null when PERSIST_SESSIONS=0
  watchdog_actor watchdog;    // null when CANCEL_AFTER_DISCONNECT_SECONDS=0
  size_t ring_capacity = 4096;
  std::chrono::seconds linger{600};
  std::chrono::seconds store_timeout{10};
  size_t max_live_sessions = 4096;  // beyond this, new sessions are refused (503)
  // A worker holding max_batch + max_queued generating sessions takes no more: 429.
  int64_t max_batch = 8;
  int64_t max_queued = 64;
  // Nodes that passed the cluster gate: the only ones whose questions about sessions are answered.
  std::shared_ptr<cluster_members> members;
  service_metrics* metrics = nullptr;  // the cluster_peers gauge; must outlive the system

  void validate() const;
};

// Its interface is `registry_actor` (actors/protocol.hpp). New sessions go to the least busy of
// this node's worker and its peers (a long prompt to the node holding its prefix); beyond
// max_live_sessions a new session is refused (503), beyond max_batch + max_queued per worker 429.
registry_actor spawn_registry(caf::actor_system& sys, registry_config cfg);

}  // namespace vlserve::actors
