#include "http/framing_guard.hpp"

#include <pistache/cookie.h>
#include <pistache/http_headers.h>
#include <pistache/peer.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include "http/raw_reply.hpp"

// Pistache 0.0.5 (the one Debian 12 ships) declares Http::Handler::onInput private, so a subclass
// may override it but not call it, and the router's parser lives there. This names the exported
// definition by its Itanium-mangled symbol so the screen can hand accepted bytes to it directly,
// without a virtual call back into framing_guard::onInput. On x86-64 a member function takes
// `this` as its first argument, which is the declaration below. If a Pistache build stops
// exporting it, linking fails, and meson setup says so first (http/meson.build).
void pistache_http_handler_on_input(Pistache::Http::Handler* handler, const char* buffer, size_t len,
                                    const std::shared_ptr<Pistache::Tcp::Peer>& peer)
    asm("_ZN8Pistache4Http7Handler7onInputEPKcmRKSt10shared_ptrINS_3Tcp4PeerEE");

namespace vlserve::http {

using namespace Pistache;

namespace {

constexpr const char* kScreenData = "vlserve.framing";

// A connection's screen and how far its refusal has gone.
struct connection_screen {
  request_framing framing;
  bool answered = false;     // the error is on the wire and the write side is shut
  bool read_closed = false;  // the read side is shut: Pistache removes the peer at its next read
};

// Pistache parses every header it has a type for (and cookies) while it reads the head, and
// answers a value it cannot parse in plain text; asking the same parsers first keeps that answer
// ours. A null answer means Pistache reads the value.
std::optional<std::string> pistache_reads(std::string_view name_view, std::string_view value) {
  const std::string name(name_view);
  try {
    if (Http::Header::LowercaseEqualStatic(name, "cookie")) {
      Http::CookieJar jar;
      jar.addFromRaw(value.data(), value.size());
    } else if (Http::Header::LowercaseEqualStatic(name, "set-cookie")) {
      Http::Cookie::fromRaw(value.data(), value.size());
    } else if (Http::Header::Registry::instance().isRegistered(name)) {
      Http::Header::Registry::instance().makeHeader(name)->parseRaw(value.data(), value.size());
    }
    return std::nullopt;
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
}

void shut(const std::shared_ptr<Tcp::Peer>& peer, int how) { ::shutdown(peer->fd(), how); }

// Writes the error and, once it is written, shuts the write side: the client reads the answer and
// then the end of the stream. The read side stays open for what the client was still sending (a
// client that does not read before it has sent everything would otherwise get a reset instead of
// the answer), up to the drain allowance; Pistache's header timeout ends a connection that then
// just sits there. shutdown() never closes the descriptor: Pistache does that when it reads the end.
void refuse(const std::shared_ptr<Tcp::Peer>& peer, const std::shared_ptr<connection_screen>& screen,
            const api_error& e, uint64_t drain_allowance, actors::service_metrics& metrics) {
  metrics.count_request(e.status);
  spdlog::info("refused a request from {} before parsing: {} {}", peer->address().host(), e.status, e.message);
  // Not a raw_reply: the socket is shut once these bytes are written, so the send's own promise is
  // needed.
  const std::string reply = whole_response(e.status, "application/json", error_body(e), {"Connection: close"});
  // An earlier deferred reply may have marked the connection idle (only the day-long keep-alive
  // timeout then applies); the header timeout must bound the drain.
  peer->setIdle(false);
  std::weak_ptr<Tcp::Peer> weak = peer;
  peer->send(RawBuffer(reply, reply.size()))
      .then(
          [weak, screen, drain_allowance](ssize_t) {
            auto p = weak.lock();
            if (!p) return;
            screen->answered = true;
            shut(p, SHUT_WR);
            if (screen->framing.dropped() > drain_allowance) {
              screen->read_closed = true;
              shut(p, SHUT_RD);
            }
          },
          Async::IgnoreException);
}

}  // namespace

framing_guard::framing_guard(const Rest::Router& router, framing_limits limits, actors::service_metrics& metrics)
    : Rest::Private::RouterHandler(router), limits_(limits), metrics_(&metrics) {}

void framing_guard::onInput(const char* buffer, size_t len, const std::shared_ptr<Tcp::Peer>& peer) {
  auto screen = std::static_pointer_cast<connection_screen>(peer->tryGetData(kScreenData));
  if (!screen) {
    screen = std::make_shared<connection_screen>(connection_screen{request_framing(limits_, pistache_reads)});
    peer->putData(kScreenData, screen);
  }
  // A refused connection is read (and dropped) at most as far as one accepted request could go.
  const uint64_t drain_allowance = limits_.max_body_bytes + limits_.max_head_bytes;
  if (screen->framing.refused()) {
    screen->framing.feed({buffer, len}, {});
    if (screen->answered && !screen->read_closed && screen->framing.dropped() > drain_allowance) {
      screen->read_closed = true;
      shut(peer, SHUT_RD);
    }
    return;
  }
  auto refusal = screen->framing.feed({buffer, len}, [&](std::string_view piece) {
    pistache_http_handler_on_input(this, piece.data(), piece.size(), peer);
  });
  if (refusal) refuse(peer, screen, *refusal, drain_allowance, *metrics_);
}

}  // namespace vlserve::http
