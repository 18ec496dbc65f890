// Replies written on the reactor thread through Pistache's ResponseWriter (health, errors found
// before any actor is involved). Replies from actor threads go through raw_reply instead.
#pragma once

#include <pistache/http.h>

#include <string>

#include "actors/metrics.hpp"
#include "http/api_error.hpp"

namespace vlserve::http {

void send_json(Pistache::Http::ResponseWriter& w, int status, const std::string& body,
               actors::service_metrics& metrics);
void send_text(Pistache::Http::ResponseWriter& w, int status, const std::string& body,
               actors::service_metrics& metrics);
void send_error(Pistache::Http::ResponseWriter& w, const api_error& e, actors::service_metrics& metrics);

}  // namespace vlserve::http
