// POST /v1/chat/completions: resumes answer here; new chats are checked for size and queue room,
// then parsed and built by the chat reader (http/chat_reader) off the reactor; the reply is written
// later from actor threads (SSE or one JSON body).
#include <pistache/peer.h>

#include <caf/all.hpp>

#include "actors/atoms.hpp"
#include "http/chat_reader.hpp"
#include "http/cors.hpp"
#include "http/deferred_reply.hpp"
#include "http/reply.hpp"
#include "http/request_headers.hpp"
#include "http/route_auth.hpp"
#include "http/routes.hpp"
#include "http/sse.hpp"
#include "http/stream_sinks.hpp"

namespace vlserve::http {

using namespace Pistache;

void attach_event_stream(route_context& ctx, Http::ResponseWriter& w, const std::string& owner,
                         const std::string& id, uint64_t from, sse_sink::empty_end on_empty,
                         const std::string& origin);

namespace {

// Resuming needs no model: the events are in memory or in the store.
bool try_resume(route_context& ctx, const std::string& owner, const Rest::Request& req, Http::ResponseWriter& w) {
  const auto last = last_event_id(req);
  if (last.empty()) return false;
  auto cursor = parse_last_event_id(last);
  if (!cursor) {
    send_error(w, bad_request("Last-Event-ID must be '<session_id>:<index>' with an index in 0..2^64-1",
                              "last_event_id"),
               ctx.rt.metrics());
    return true;
  }
  attach_event_stream(ctx, w, owner, cursor->session_id, cursor->next(), sse_sink::empty_end::done,
                      origin_of(req));
  return true;
}

// Checks what needs no parsing, then hands the body to the chat reader: parsing, templating and
// tokenising happen off this reactor thread.
void start_session(route_context& ctx, const std::string& owner, const Rest::Request& req,
                   Http::ResponseWriter& w) {
  auto& metrics = ctx.rt.metrics();
  if (int64_t(req.body().size()) > ctx.settings.max_request_bytes)
    return send_error(w, body_too_large(req.body().size(), uint64_t(ctx.settings.max_request_bytes)), metrics);
  const auto waiting = metrics.prompts_building.load();
  if (waiting >= int64_t(ctx.settings.max_batch) + ctx.settings.max_queued)
    return send_error(w,
                      queue_full(std::to_string(waiting) + " requests are already being read (MAX_BATCH=" +
                                 std::to_string(ctx.settings.max_batch) + ", MAX_QUEUED=" +
                                 std::to_string(ctx.settings.max_queued) + "); retry later"),
                      metrics);
  const auto origin = origin_of(req);
  auto reply = deferred_reply(ctx, w, origin);
  send_to_reader(ctx.chat_reader, pending_chat{owner, req.body(), header_value(req, "X-Session-Id"), origin,
                                               std::move(reply), count_building(metrics)});
}

}  // namespace

void add_chat_routes(Rest::Router& router, route_context& ctx) {
  Rest::Routes::Post(router, "/v1/chat/completions", [&ctx](const Rest::Request& req, Http::ResponseWriter w) {
    try {
      const auto owner = authorize(ctx, req, w);
      if (!owner) return Rest::Route::Result::Ok;
      if (!try_resume(ctx, *owner, req, w)) start_session(ctx, *owner, req, w);
    } catch (const std::exception& e) {
      send_error(w, internal_error(std::string("unexpected failure: ") + e.what()), ctx.rt.metrics());
    }
    return Rest::Route::Result::Ok;
  });
}

}  // namespace vlserve::http
