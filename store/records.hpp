// Plain structs the store reads and writes; payloads and request text are opaque strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/session_state.hpp"

namespace vlserve::store {

struct session_meta {
  std::string id;
  session_state state = session_state::queued;
  int64_t created_unix = 0;
  int64_t updated_unix = 0;  // the TTL sweep measures age from here
  std::string model;
  // Owned by the store: the number of events appended so far, i.e. the next event index.
  // put_meta ignores the value passed in.
  uint64_t event_count = 0;
  // The original request, kept in its own record so that frequent meta rewrites stay small.
  // On write: nullopt keeps the stored text. On read: filled by load_meta, nullopt from
  // list_sessions and mark_running_as_interrupted.
  std::optional<std::string> request;
};

// One SSE event; index must be the session's current event_count when it is appended.
struct event_record {
  std::string session_id;
  uint64_t index = 0;
  std::string payload;
};

struct stored_event {
  uint64_t index = 0;
  std::string payload;
};

// Everything one commit writes. Metas are applied first, then events, so a batch may create a
// session and append its first events.
struct write_batch {
  std::vector<session_meta> metas;
  std::vector<event_record> events;
};

// What one bounded sweep call did.
struct sweep_result {
  std::vector<std::string> erased;  // ids of the deleted sessions
  std::size_t scanned = 0;          // metadata records looked at
  bool reached_end = false;         // the scan hit the last session; the next call restarts at the first
};

}  // namespace vlserve::store
