// Sessions: state, replay/attach as SSE, cancel. Handlers only translate HTTP to registry messages.
// Every route passes the API key gate; the id in the path is scoped to the caller's key, so a
// session of another key is simply unknown (404).
#include <pistache/peer.h>

#include <caf/all.hpp>

#include "actors/atoms.hpp"
#include "actors/registry.hpp"
#include "http/cors.hpp"
#include "http/deferred_reply.hpp"
#include "http/reply.hpp"
#include "http/request_headers.hpp"
#include "http/route_auth.hpp"
#include "http/routes.hpp"
#include "http/session_json.hpp"
#include "http/sse.hpp"
#include "http/stream_sinks.hpp"

namespace vlserve::http {

using namespace Pistache;

namespace {

// Calls back with the session's JSON, or a 404 body, on the actor thread that learns it.
actors::info_callback json_reply(std::shared_ptr<raw_reply> reply, std::string id) {
  return [reply, id](std::optional<actors::session_info> info, actors::failure why) {
    if (!info)
      return send_error_reply(*reply, why, why == actors::failure::unknown_session ? "unknown session '" + id + "'"
                                           : why == actors::failure::timed_out ? "the session did not answer in time; retry"
                                                                               : "the session could not be read");
    reply->send(200, "application/json", session_json(*info));
  };
}

// The client's session id from the path, or nullopt after answering 400.
std::optional<std::string> path_id(route_context& ctx, const Rest::Request& req, Http::ResponseWriter& w) {
  auto id = req.param(":id").as<std::string>();
  if (valid_session_id(id)) return id;
  send_error(w, bad_request("session ids are 1-128 characters of [A-Za-z0-9._-]", "session_id"), ctx.rt.metrics());
  return std::nullopt;
}

}  // namespace

// Attaches an SSE stream to session `id` of `owner` from event `from` on; shared by
// POST-with-Last-Event-ID (which ends an empty replay with [DONE]) and GET .../events (with 204).
void attach_event_stream(route_context& ctx, Http::ResponseWriter& w, const std::string& owner,
                         const std::string& id, uint64_t from, sse_sink::empty_end on_empty,
                         const std::string& origin) {
  auto reply = deferred_reply(ctx, w, origin);
  auto sink = std::make_shared<sse_sink>(reply, id, completion_context{}, on_empty);
  const auto scoped = scoped_session_id(owner, id);
  ctx.connections.add(reply->peer_id(), scoped, sink);
  caf::anon_send(ctx.rt.registry(), actors::vl_subscribe_atom::value, scoped, actors::sink_ptr(sink), from);
}

void add_session_routes(Rest::Router& router, route_context& ctx) {
  Rest::Routes::Get(router, "/v1/sessions/:id", [&ctx](const Rest::Request& req, Http::ResponseWriter w) {
    const auto owner = authorize(ctx, req, w);
    if (!owner) return Rest::Route::Result::Ok;
    const auto id = path_id(ctx, req, w);
    if (!id) return Rest::Route::Result::Ok;
    auto reply = deferred_reply(ctx, w, origin_of(req));
    caf::anon_send(ctx.rt.registry(), actors::vl_info_atom::value, scoped_session_id(*owner, *id),
                   json_reply(reply, *id));
    return Rest::Route::Result::Ok;
  });

  Rest::Routes::Get(router, "/v1/sessions/:id/events", [&ctx](const Rest::Request& req, Http::ResponseWriter w) {
    const auto owner = authorize(ctx, req, w);
    if (!owner) return Rest::Route::Result::Ok;
    const auto id = path_id(ctx, req, w);
    if (!id) return Rest::Route::Result::Ok;
    uint64_t from = 0;
    if (const auto last = last_event_id(req); !last.empty()) {
      auto cursor = parse_last_event_id(last);
      if (!cursor || cursor->session_id != *id) {
        send_error(w, bad_request("Last-Event-ID must be '" + *id + ":<index>' with an index in 0..2^64-1",
                                  "last_event_id"),
                   ctx.rt.metrics());
        return Rest::Route::Result::Ok;
      }
      from = cursor->next();
    }
    attach_event_stream(ctx, w, *owner, *id, from, sse_sink::empty_end::no_content, origin_of(req));
    return Rest::Route::Result::Ok;
  });

  Rest::Routes::Post(router, "/v1/cancel/:id", [&ctx](const Rest::Request& req, Http::ResponseWriter w) {
    const auto owner = authorize(ctx, req, w);
    if (!owner) return Rest::Route::Result::Ok;
    const auto id = path_id(ctx, req, w);
    if (!id) return Rest::Route::Result::Ok;
    auto reply = deferred_reply(ctx, w, origin_of(req));
    caf::anon_send(ctx.rt.registry(), actors::vl_cancel_atom::value, scoped_session_id(*owner, *id),
                   json_reply(reply, *id));
    return Rest::Route::Result::Ok;
  });
}

}  // namespace vlserve::http
