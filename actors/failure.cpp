#include "actors/failure.hpp"

namespace vlserve::actors {

const char* failure_name(failure f) {
  switch (f) {
    case failure::none: return "none";
    case failure::bad_request: return "bad_request";
    case failure::unknown_session: return "unknown_session";
    case failure::session_exists: return "session_exists";
    case failure::events_expired: return "events_expired";
    case failure::queue_full: return "queue_full";
    case failure::too_many_sessions: return "too_many_sessions";
    case failure::model_not_loaded: return "model_not_loaded";
    case failure::over_capacity: return "over_capacity";
    case failure::store_failed: return "store_failed";
    case failure::worker_failed: return "worker_failed";
    case failure::node_lost: return "node_lost";
    case failure::generation_failed: return "generation_failed";
    case failure::internal: return "internal";
    case failure::timed_out: return "timed_out";
  }
  return "internal";
}

}  // namespace vlserve::actors
