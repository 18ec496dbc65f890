// CORS for browser clients on other origins (CORS_ORIGINS). Preflights (OPTIONS) are answered
// here; every other response, from the reactor or from an actor thread, carries
// Access-Control-Allow-Origin when the request's Origin is allowed.
#pragma once

#include <pistache/router.h>

#include <optional>
#include <string>
#include <vector>

#include "http/route_context.hpp"

namespace vlserve::http {

// The Access-Control-Allow-Origin value for `origin`: "*" when "*" is listed, the origin itself
// when listed (compared exactly, as browsers send it), nullopt otherwise or when CORS is off.
std::optional<std::string> allowed_origin(const std::vector<std::string>& allowed, const std::string& origin);

// "Name: value" lines for replies written by actors (raw_reply), empty when none apply.
std::vector<std::string> cors_header_lines(const config::settings& s, const std::string& origin);

// The Origin header of a request, or "".
std::string origin_of(const Pistache::Http::Request& req);

// The middleware adding the header to reactor replies, and OPTIONS routes for every API path.
void add_cors(Pistache::Rest::Router& router, route_context& ctx);

}  // namespace vlserve::http
