// Reading the optional headers and query parameters the routes care about.
#pragma once

#include <pistache/router.h>

#include <string>

namespace vlserve::http {

// The raw value of a request header, or "" when absent.
std::string header_value(const Pistache::Rest::Request& req, const std::string& name);

// Last-Event-ID header, else the last_event_id query parameter (percent-decoded), else "".
std::string last_event_id(const Pistache::Rest::Request& req);

// "sid%3A3" -> "sid:3" (what encodeURIComponent and URLSearchParams send); '+' is a space as in
// form encoding. A '%' not followed by two hex digits is kept as it is.
std::string percent_decode(const std::string& text);

}  // namespace vlserve::http
