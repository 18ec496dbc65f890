#include "http/failure_table.hpp"

namespace vlserve::http {

using actors::failure;

api_error api_error_for(failure why, std::string message, std::string param) {
  switch (why) {
    case failure::bad_request: return bad_request(std::move(message), std::move(param));
    case failure::unknown_session: return not_found(std::move(message), "session_not_found");
    case failure::session_exists:
      return {409, std::move(message), "invalid_request_error", "session_id", "session_exists"};
    case failure::events_expired:
      return {410, std::move(message), "invalid_request_error", "last_event_id", "events_expired"};
    case failure::queue_full: return queue_full(std::move(message));
    case failure::too_many_sessions:
    case failure::over_capacity: return {503, std::move(message), "service_unavailable", "", "overloaded"};
    case failure::model_not_loaded: return model_not_ready(std::move(message));
    case failure::timed_out: return {503, std::move(message), "service_unavailable", "", "timed_out"};
    case failure::node_lost: return {502, std::move(message), "server_error", "", "node_lost"};
    case failure::store_failed: return {500, std::move(message), "server_error", "", "store_failed"};
    case failure::worker_failed: return {500, std::move(message), "server_error", "", "worker_failed"};
    case failure::generation_failed: return {500, std::move(message), "server_error", "", "generation_failed"};
    case failure::none:
    case failure::internal: break;
  }
  return internal_error(std::move(message));
}

}  // namespace vlserve::http
