// The persister: the only user of the LMDB session store. Runs detached (LMDB calls block), writes
// every event in its own transaction before acknowledging it, so an event a client has seen is
// always on disk (MDB_NOSYNC: a process crash loses nothing committed; sync at stream end).
#pragma once

#include <caf/fwd.hpp>

#include "actors/protocol.hpp"

#include <chrono>
#include <string>

namespace vlserve::actors {

struct persister_config {
  std::string path;                        // SESSIONS_DB_PATH
  int64_t ttl_seconds = 86400;             // SESSIONS_TTL_SECONDS
  std::chrono::seconds sweep_every{60};
  int64_t max_request_bytes = 64ll << 20;

  void validate() const;
};

// Opens the store (throws store_error when it cannot), marks sessions that were queued/running
// when the process died as interrupted (appending a final "interrupted" event to each), then
// serves `persister_actor` (actors/protocol.hpp). Its mailbox is worked in order, so an answered
// flush means everything sent before it is on disk.
persister_actor spawn_persister(caf::actor_system& sys, const persister_config& cfg);

}  // namespace vlserve::actors
