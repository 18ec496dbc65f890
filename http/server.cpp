#include "http/server.hpp"

#include <pistache/endpoint.h>
#include <pistache/peer.h>
#include <pistache/router.h>
#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <chrono>

#include "actors/atoms.hpp"
#include "http/api_error.hpp"
#include "http/chat_reader.hpp"
#include "http/connection_tracker.hpp"
#include "http/cors.hpp"
#include "http/framing_guard.hpp"
#include "http/reply.hpp"
#include "http/routes.hpp"

namespace vlserve::http {

using namespace Pistache;

namespace {
// The framing screen refuses a request line and headers over kMaxHeadBytes (431) and a body over
// MAX_REQUEST_BYTES (413) before Pistache buffers them, so Pistache's own cap (which counts both and
// answers in plain text) is set where it is never reached.
constexpr size_t kMaxHeadBytes = 64u << 10;
constexpr size_t kHeaderAllowance = 256u << 10;
// A client gets this long to finish its request line and headers, and this long for its body;
// after that Pistache answers 408 and closes (it used to wait 24 h for a malformed request).
constexpr auto kHeaderTimeout = std::chrono::seconds(10);
constexpr auto kBodyTimeout = std::chrono::seconds(120);

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
  // Streams may run for hours. Pistache's header/body timers would cut them with a 408 once the
  // handler has returned (stack-notes §2), so every deferred reply marks its connection idle
  // (raw_reply): only the keep-alive timeout applies to it, and that one is a day. The header and
  // body timers then only bound requests that are still arriving. Its 4 KiB request cap would
  // refuse any image.
  auto opts = Http::Endpoint::options()
                  .threads(1)
                  .flags(Tcp::Options::ReuseAddr)
                  .maxRequestSize(size_t(d.settings.max_request_bytes) + kHeaderAllowance)
                  .headerTimeout(kHeaderTimeout)
                  .bodyTimeout(kBodyTimeout)
                  .keepaliveTimeout(std::chrono::hours(24));
  d.endpoint->init(opts);

  d.ctx.chat_reader = spawn_chat_reader(d.rt.system(), d.ctx);
  add_cors(d.router, d.ctx);
  add_info_routes(d.router, d.ctx);
  add_chat_routes(d.router, d.ctx);
  add_session_routes(d.router, d.ctx);
  add_tokenize_routes(d.router, d.ctx);
  add_ui_routes(d.router, d.ctx);
  add_method_not_allowed(d.router, d.ctx);
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
  // Last, once every route is in: the guard routes through a copy of the router.
  d.endpoint->setHandler(std::make_shared<framing_guard>(
      d.router, framing_limits{kMaxHeadBytes, uint64_t(d.settings.max_request_bytes)}, d.rt.metrics()));
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
  // Dropping the handle too: a detached actor's thread ends only once nothing references it.
  if (impl_->ctx.chat_reader) caf::anon_send_exit(impl_->ctx.chat_reader, caf::exit_reason::user_shutdown);
  impl_->ctx.chat_reader = nullptr;
  spdlog::info("http server stopped");
}

uint16_t server::port() const {
  return impl_->endpoint ? uint16_t(impl_->endpoint->getPort()) : impl_->settings.port;
}

}  // namespace vlserve::http
