// The HTTP front: Pistache endpoint and routes. Handlers translate HTTP to actor messages and back.
#pragma once

#include <memory>

#include "actors/runtime.hpp"
#include "config/settings.hpp"

namespace vlserve::http {

class server {
 public:
  server(const config::settings& s, actors::runtime& rt);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds and starts serving on background threads; throws std::runtime_error if the bind fails.
  void start();
  // Stops accepting and closes every connection; idempotent.
  void shutdown();
  uint16_t port() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace vlserve::http
