// GET /v1/sessions/{id} and POST /v1/cancel/{id} bodies.
#pragma once

#include <string>

#include "actors/messages.hpp"

namespace vlserve::http {

// {"id","object":"session","state","model","created","event_count","attached_clients"}
std::string session_json(const actors::session_info& info);

}  // namespace vlserve::http
