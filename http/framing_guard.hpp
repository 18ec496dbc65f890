// The router's Pistache handler with a framing screen in front of Pistache's request parser: every
// byte read from a connection goes through http/request_framing first; accepted bytes go on to
// Pistache unchanged, and a refused request is answered with an OpenAI-shaped JSON error and
// closed (ARCHITECTURE.md, "Framing").
#pragma once

#include <pistache/router.h>

#include <memory>

#include "actors/metrics.hpp"
#include "http/request_framing.hpp"

namespace vlserve::http {

class framing_guard : public Pistache::Rest::Private::RouterHandler {
 public:
  // Pistache clones the handler for each reactor thread; this makes the clones framing_guards.
  HTTP_PROTOTYPE(framing_guard)

  // Routes through a copy of `router` (as Rest::Router::handler() does); metrics must outlive it.
  framing_guard(const Pistache::Rest::Router& router, framing_limits limits, actors::service_metrics& metrics);

 private:
  // Private in Http::Handler too: C++ lets a derived class override a private virtual.
  void onInput(const char* buffer, size_t len, const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;

  framing_limits limits_;
  actors::service_metrics* metrics_;
};

}  // namespace vlserve::http
