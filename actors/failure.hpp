// What went wrong, as the actors, the model and the store say it. Only http/failure_table.cpp
// turns a failure into an HTTP status and an OpenAI error type and code, so no actor picks a
// status. The numbers are on disk (event format 3) and on the cluster wire: append, never renumber.
#pragma once

#include <cstdint>

namespace vlserve::actors {

enum class failure : uint8_t {
  none = 0,
  bad_request = 1,        // the request cannot be served as sent (names its param where known)
  unknown_session = 2,    // no live or stored session has this id (for this key)
  session_exists = 3,     // a new request reused a session id
  events_expired = 4,     // the events asked for left memory and nothing stores them
  queue_full = 5,         // every worker holds MAX_BATCH + MAX_QUEUED sessions
  too_many_sessions = 6,  // the registry's live-session bound
  model_not_loaded = 7,   // the worker has no model (loading, or loading failed)
  over_capacity = 8,      // the engine has no room for the sequence (KV cache, batch)
  store_failed = 9,       // the session store refused a write or cannot read an event
  worker_failed = 10,     // this node's model worker stopped
  node_lost = 11,         // the cluster node generating the completion went away
  generation_failed = 12, // the engine failed this sequence mid-generation
  internal = 13,          // anything else
  timed_out = 14,         // an actor did not answer in time
};

// "bad_request", "unknown_session", ...: for logs and tests.
const char* failure_name(failure f);

}  // namespace vlserve::actors
