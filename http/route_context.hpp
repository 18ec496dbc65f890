// What every route handler needs: configuration, the actor runtime, the connection tracker and
// the API keys.
#pragma once

#include "actors/runtime.hpp"
#include "config/settings.hpp"
#include "http/api_keys.hpp"
#include "http/chat_reader_actor.hpp"
#include "http/connection_tracker.hpp"

namespace vlserve::http {

struct route_context {
  const config::settings& settings;
  actors::runtime& rt;
  connection_tracker& connections;
  const api_keyring& keys;
  chat_reader_actor chat_reader;  // http/chat_reader: set by the server before it serves
};

}  // namespace vlserve::http
