// Route registration, one function per group of routes.
#pragma once

#include <pistache/router.h>

#include "http/route_context.hpp"

namespace vlserve::http {

// POST /v1/chat/completions
void add_chat_routes(Pistache::Rest::Router& router, route_context& ctx);
// GET /v1/sessions/{id}, GET /v1/sessions/{id}/events, POST /v1/cancel/{id}
void add_session_routes(Pistache::Rest::Router& router, route_context& ctx);
// GET /health, GET /v1/models, GET /metrics
void add_info_routes(Pistache::Rest::Router& router, route_context& ctx);
// POST /tokenize, POST /detokenize
void add_tokenize_routes(Pistache::Rest::Router& router, route_context& ctx);
// GET / and the chat page's files (ui/), unless UI=0
void add_ui_routes(Pistache::Rest::Router& router, route_context& ctx);
// 405 JSON (with Allow) for every other method on the paths above
void add_method_not_allowed(Pistache::Rest::Router& router, route_context& ctx);

}  // namespace vlserve::http
