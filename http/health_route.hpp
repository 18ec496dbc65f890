// GET /health: the service phase as JSON.
#pragma once

#include <string>
#include <utility>

#include "actors/service_state.hpp"

namespace vlserve::http {

// {"status":"loading"|"ready"|"error","detail":...,"progress":...,"model":...};
// HTTP 200 when ready, 503 otherwise (load balancers keep traffic away until then).
std::pair<int, std::string> health_reply(const actors::service_snapshot& snap);

}  // namespace vlserve::http
