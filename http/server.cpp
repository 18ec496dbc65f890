#include "http/server.hpp"

#include <pistache/endpoint.h>
#include <pistache/peer.h>
#include <pistache/router.h>
#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <chrono>

#include "actors/atoms.hpp"
#include "http/api_error.hpp"
#include "http/connection_tracker.hpp"
#include "http/cors.hpp"
#include "http/reply.hpp"
#include "http/routes.hpp"

namespace vlserve::http {

using namespace Pistache;

namespace {
constexpr size_t kHeaderAllowance = 256u << 10;  // room for the request line and headers

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}
}  // namespace

struct server::impl {
  config::settings settings;
  actors::runtime& rt;
  connection_tracker connections;
  api_keyring keys;
  route_context ctx;
  std::unique_ptr<Http::Endpoint> endpoint;
  Rest::Router router;
  bool running = false;

  impl(const config::settings& s, actors::runtime& r)
      : settings(s), rt(r), keys(s.api_keys), ctx{settings, rt, connections, keys} {}
};

server::server(const config::settings& s, actors::runtime& rt) : impl_(std::make_unique<impl>(s, rt)) {}

server::~server() { shutdown(); }

void server::start() {
  auto& d = *impl_;
  Address addr(d.settings.host, Port(d.settings.port));
  d.endpoint = std::make_unique<Http::Endpoint>(addr);
  // Streams may run for hours: Pistache's default 60 s header/body timeouts would cut them with a
  // 408 (stack-notes §2), and its 4 KiB request cap would refuse any image. Pistache's own cap
  // counts the request line and headers and answers a plain-text 413, so it sits above
  // MAX_REQUEST_BYTES and the chat route answers the JSON 413 for bodies in between.
  auto opts = Http::Endpoint::options()
                  .threads(1)
                  .flags(Tcp::Options::ReuseAddr)
                  .maxRequestSize(size_t(d.settings.max_request_bytes) + kHeaderAllowance)
                  .headerTimeout(std::chrono::hours(24))
                  .bodyTimeout(std::chrono::hours(24));
  d.endpoint->init(opts);

  add_cors(d.router, d.ctx);
  add_info_routes(d.router, d.ctx);
  add_chat_routes(d.router, d.ctx);
  add_session_routes(d.router, d.ctx);
  add_tokenize_routes(d.router, d.ctx);
  add_ui_routes(d.router, d.ctx);
  d.router.addNotFoundHandler([this](const Rest::Request& req, Http::ResponseWriter w) {
    send_error(w,
               not_found("Unknown route: " + std::string(Http::methodString(req.method())) + " " + req.resource()),
               impl_->rt.metrics());
    return Rest::Route::Result::Ok;
  });
  // A closed connection detaches its sinks from their sessions (the watchdog counts clients).
  d.router.addDisconnectHandler([this](const std::shared_ptr<Tcp::Peer>& peer) {
    for (auto& a : impl_->connections.take(peer->getID()))
      caf::anon_send(impl_->rt.registry(), actors::vl_unsubscribe_atom::value, a.session_id, a.sink);
  });
  d.endpoint->setHandler(d.router.handler());
  d.endpoint->serveThreaded();
  d.running = true;
  spdlog::info("listening on http://{}:{}", d.settings.host, port());
  if (!d.keys.enabled() && !is_loopback(d.settings.host))
    spdlog::warn("no API_KEY is set and {} is not a loopback address: anyone who can reach this port can "
                 "use, read and cancel every session; set API_KEY or API_KEY_FILE, or HOST=127.0.0.1",
                 d.settings.host);
}

void server::shutdown() {
  if (!impl_->running) return;
  impl_->running = false;
  impl_->endpoint->shutdown();
  spdlog::info("http server stopped");
}

uint16_t server::port() const {
  return impl_->endpoint ? uint16_t(impl_->endpoint->getPort()) : impl_->settings.port;
}

}  // namespace vlserve::http
