// POST /v1/chat/completions: parse, check readiness, build the prompt, hand the session to the
// registry; the reply is written later from actor threads (SSE or one JSON body).
#include <pistache/peer.h>

#include <caf/all.hpp>
#include <ctime>

#include "actors/atoms.hpp"
#include "actors/generation_job.hpp"
#include "actors/prompt_builder.hpp"
#include "config/served_model_name.hpp"
#include "http/chat_request.hpp"
#include "http/cors.hpp"
#include "http/reply.hpp"
#include "http/request_headers.hpp"
#include "http/route_auth.hpp"
#include "http/routes.hpp"
#include "http/sse.hpp"
#include "http/stream_sinks.hpp"
#include "model/serving/prompt_builder.hpp"
#include "model/vision/multimodal/request_media.hpp"
#include "store/store_options.hpp"

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

// The client's session id (body, then X-Session-Id), or a fresh unguessable one.
std::optional<std::string> pick_session_id(const Rest::Request& req, const model::chat_request& body) {
  std::string id = body.session_id.value_or(header_value(req, "X-Session-Id"));
  if (id.empty()) return new_session_id();
  if (!valid_session_id(id)) return std::nullopt;
  return id;
}

void start_session(route_context& ctx, const std::string& owner, const Rest::Request& req,
                   Http::ResponseWriter& w) {
  auto& metrics = ctx.rt.metrics();
  if (int64_t(req.body().size()) > ctx.settings.max_request_bytes)
    return send_error(w,
                      payload_too_large("request body is " + std::to_string(req.body().size()) +
                                        " bytes; the limit is MAX_REQUEST_BYTES=" +
                                        std::to_string(ctx.settings.max_request_bytes) +
                                        " (send media by URL or raise the limit)"),
                      metrics);
  model::chat_request body;
  try {
    body = parse_chat_request(req.body());
  } catch (const request_error& e) {
    return send_error(w, bad_request(e.message, e.param), metrics);
  }
  // Fields the store keeps are checked against its limits here, so a session is never answered 200
  // and then lost because its record could not be written.
  if (const auto limit = store::store_options{}.max_model_bytes; body.model && body.model->size() > limit)
    return send_error(w,
                      bad_request("model is " + std::to_string(body.model->size()) + " bytes; at most " +
                                      std::to_string(limit) + " are accepted (GET /v1/models names the model)",
                                  "model"),
                      metrics);
  // Like OpenAI: a model this server does not serve is a 404, not silently the served one.
  const auto served = config::served_model_name(ctx.settings);
  if (body.model && *body.model != served && *body.model != ctx.settings.model_repo_id)
    return send_error(w, model_not_found(*body.model, served), metrics);
  const auto assets = ctx.rt.assets().get();
  const auto snap = ctx.rt.state().get();
  if (!assets || snap.phase != actors::model_phase::ready)
    return send_error(w, model_not_ready("the model is not ready (" + std::string(actors::phase_name(snap.phase)) +
                                         ": " + snap.detail + "); retry later or check GET /health"),
                      metrics);
  const auto id = pick_session_id(req, body);
  if (!id) return send_error(w, bad_request("session ids are 1-128 characters of [A-Za-z0-9._-]", "session_id"), metrics);

  // Sampling and stop settings are checked here for both paths, so they fail before any media is
  // fetched.
  model::decode_settings decoding;
  try {
    decoding = model::decoding_for(body, assets->defaults);
  } catch (const model::prompt_error& e) {
    return send_error(w, bad_request(e.what(), e.param), metrics);
  }

  actors::session_info info;
  info.id = scoped_session_id(owner, *id);  // sinks and SSE ids use the client's own *id
  info.model = assets->model_name;  // the served name, whichever accepted name the request used
  info.created = int64_t(std::time(nullptr));
  info.include_usage = body.include_usage;
  info.logprobs = body.logprobs;

  auto reply = std::make_shared<raw_reply>(w.getPeer(), metrics);
  reply->add_headers(cors_header_lines(ctx.settings, origin_of(req)));
  actors::sink_ptr sink;
  if (body.stream) {
    sink = std::make_shared<sse_sink>(reply, *id, context_of(info));
  } else {
    const auto max_events = size_t(decoding.stop.max_tokens) + 8;
    sink = std::make_shared<completion_sink>(reply, *id, context_of(info), max_events);
  }

  if (model::vision::has_media(body)) {
    // Media takes seconds to fetch, decode and encode: the detached prompt builder does it.
    ctx.connections.add(reply->peer_id(), info.id, sink);
    caf::anon_send(ctx.rt.prompt_builder(), actors::vl_build_atom::value,
                   actors::build_order{std::move(body), assets, info, sink, ctx.rt.registry()});
    return;
  }
  model::built_prompt built;
  try {
    built = model::build_prompt(body, assets->tok, assets->defaults);
  } catch (const model::prompt_error& e) {
    return send_error(w, bad_request(e.what(), e.param), metrics);
  } catch (const std::invalid_argument& e) {
    return send_error(w, bad_request(e.what()), metrics);
  }
  ctx.connections.add(reply->peer_id(), info.id, sink);
  actors::generation_job job{info.id, std::make_shared<model::sequence_input>(std::move(built.input))};
  caf::anon_send(ctx.rt.registry(), actors::vl_create_atom::value, info, std::move(job), sink);
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
