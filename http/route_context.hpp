// What every route handler needs: configuration, the actor runtime and the connection tracker.
#pragma once

#include "actors/runtime.hpp"
#include "config/settings.hpp"
#include "http/connection_tracker.hpp"

namespace vlserve::http {

struct route_context {
  const config::settings& settings;
  actors::runtime& rt;
  connection_tracker& connections;
};

}  // namespace vlserve::http
