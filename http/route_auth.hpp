// The API key gate every /v1 handler passes first (and /health, /metrics with PROTECT_METRICS=1).
#pragma once

#include <pistache/router.h>

#include <optional>
#include <string>

#include "http/route_context.hpp"

namespace vlserve::http {

// The caller's owner tag ("" when no keys are configured), or nullopt after answering 401.
std::optional<std::string> authorize(route_context& ctx, const Pistache::Rest::Request& req,
                                     Pistache::Http::ResponseWriter& w);

}  // namespace vlserve::http
