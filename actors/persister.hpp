// The persister: the only user of the LMDB session store. Runs detached (LMDB calls block), writes
// every event in its own transaction before acknowledging it, so an event a client has seen is
// always on disk (MDB_NOSYNC: a process crash loses nothing committed; sync at stream end).
#pragma once

#include <caf/fwd.hpp>

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
// serves:
//   (vl_persist_atom, session_info) -> bool                  upsert the session's metadata; an error
//                                                            when the store refuses it
//   (vl_persist_atom, string id, stream_event) -> uint64     append; replies the index once committed
//   (vl_flush_atom)                                          fsync (a stream ended)
//   (vl_load_atom, string id) -> session_info                error if unknown
//   (vl_load_atom, string id, uint64 from, uint32 max) -> std::vector<stream_event>
caf::actor spawn_persister(caf::actor_system& sys, const persister_config& cfg);

}  // namespace vlserve::actors
