// A reply that an actor writes later: the request's raw connection (http/raw_reply.hpp, which
// also takes the connection off Pistache's request timers) with the CORS lines its origin gets.
// Made on the reactor thread, in the route handler, before the handler returns.
#pragma once

#include <pistache/http.h>

#include <memory>
#include <string>

#include "http/raw_reply.hpp"
#include "http/route_context.hpp"

namespace vlserve::http {

std::shared_ptr<raw_reply> deferred_reply(route_context& ctx, Pistache::Http::ResponseWriter& w,
                                          const std::string& origin);

}  // namespace vlserve::http
