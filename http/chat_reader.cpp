#include "http/chat_reader.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <ctime>

#include "actors/atoms.hpp"
#include "actors/generation_job.hpp"
#include "actors/media_prompt_actor.hpp"
#include "config/served_model_name.hpp"
#include "http/chat_request_parser.hpp"
#include "http/cors.hpp"
#include "http/sse.hpp"
#include "http/stream_sinks.hpp"
#include "model/serving/prompt_builder.hpp"
#include "model/vision/multimodal/request_media.hpp"
#include "store/store_options.hpp"

namespace vlserve::http {
namespace {

// The id the client asked for (body, then X-Session-Id), or a fresh unguessable one when it asked
// for none; nullopt when the one it asked for is not a valid id.
std::optional<std::string> pick_session_id(const std::string& requested) {
  if (requested.empty()) return new_session_id();
  if (!valid_session_id(requested)) return std::nullopt;
  return requested;
}

void open_session(route_context& ctx, pending_chat& p) {
  auto& reply = *p.reply;
  model::chat_request body;
  try {
    body = parse_chat_request(p.body);
  } catch (const request_error& e) {
    return send_api_error(reply, bad_request(e.message, e.param));
  }
  p.body = std::string();  // a large body is not needed any more
  // Fields the store keeps are checked against its limits here, so a session is never answered 200
  // and then lost because its record could not be written.
  if (const auto limit = store::store_options{}.max_model_bytes; body.model && body.model->size() > limit)
    return send_api_error(reply, bad_request("model is " + std::to_string(body.model->size()) + " bytes; at most " +
                                                 std::to_string(limit) +
                                                 " are accepted (GET /v1/models names the model)",
                                             "model"));
  // Like OpenAI: a model this server does not serve is a 404, not silently the served one.
  const auto served = config::served_model_name(ctx.settings);
  if (body.model && *body.model != served && *body.model != ctx.settings.model_repo_id)
    return send_api_error(reply, model_not_found(*body.model, served));
  const auto assets = ctx.rt.assets().get();
  const auto snap = ctx.rt.state().get();
  if (!assets || snap.phase != actors::model_phase::ready)
    return send_api_error(reply, model_not_ready("the model is not ready (" + std::string(actors::phase_name(snap.phase)) +
                                                 ": " + snap.detail + "); retry later or check GET /health"));
  // Every choice of a request runs in the same batch (they share the prompt's cache).
  if (body.n > ctx.settings.max_batch)
    return send_api_error(reply, bad_request("n is " + std::to_string(body.n) + " but this server runs at most " +
                                                 std::to_string(ctx.settings.max_batch) +
                                                 " sequences at once (MAX_BATCH); ask for fewer choices or send "
                                                 "several requests",
                                             "n"));
  const std::string requested_id = body.session_id.value_or(p.session_header);
  const auto id = pick_session_id(requested_id);
  const bool id_from_client = !requested_id.empty();
  if (!id) return send_api_error(reply, bad_request("session ids are 1-128 characters of [A-Za-z0-9._-]", "session_id"));

  // Sampling and stop settings are checked here for both paths, so they fail before any media is
  // fetched.
  model::decode_settings decoding;
  try {
    decoding = model::decoding_for(body, assets->defaults);
  } catch (const model::prompt_error& e) {
    return send_api_error(reply, bad_request(e.what(), e.param));
  }

  actors::session_info info;
  info.id = scoped_session_id(p.owner, *id);  // sinks and SSE ids use the client's own *id
  info.model = assets->model_name;  // the served name, whichever accepted name the request used
  info.created = int64_t(std::time(nullptr));
  info.include_usage = body.include_usage;
  info.logprobs = body.logprobs;
  info.choices = body.n;

  actors::sink_ptr sink;
  if (body.stream) {
    sink = std::make_shared<sse_sink>(p.reply, *id, context_of(info));
  } else {
    const auto max_events = size_t(body.n) * (size_t(decoding.stop.max_tokens) + 2) + 8;
    sink = std::make_shared<completion_sink>(p.reply, *id, context_of(info), max_events);
  }

  if (model::vision::has_media(body)) {
    // Media takes seconds to fetch, decode and encode: the detached media prompt actor does it.
    ctx.connections.add(reply.peer_id(), info.id, sink);
    caf::anon_send(ctx.rt.media_prompt_actor(), actors::vl_build_atom::value,
                   actors::build_order{std::move(body), assets, info, sink, ctx.rt.registry(), std::move(p.building),
                                       id_from_client});
    return;
  }
  model::built_prompt built;
  try {
    built = model::build_prompt(body, assets->tok, assets->defaults);
  } catch (const model::prompt_error& e) {
    return send_api_error(reply, bad_request(e.what(), e.param));
  } catch (const std::invalid_argument& e) {
    return send_api_error(reply, bad_request(e.what()));
  }
  if (!reply.connected()) return;  // the client left while its prompt was read
  ctx.connections.add(reply.peer_id(), info.id, sink);
  actors::generation_job job{info.id, std::make_shared<model::sequence_input>(std::move(built.input)), id_from_client};
  caf::anon_send(ctx.rt.registry(), actors::vl_create_atom::value, info, std::move(job), sink);
}

}  // namespace

chat_reader_actor spawn_chat_reader(caf::actor_system& sys, route_context& ctx) {
  route_context* c = &ctx;
  return sys.spawn<caf::detached>([c](chat_reader_actor::pointer) -> chat_reader_actor::behavior_type {
    return {
        [c](vl_read_atom, pending_chat& p) {
          try {
            open_session(*c, p);
          } catch (const std::exception& e) {
            spdlog::error("reading a chat request failed: {}", e.what());
            send_api_error(*p.reply, internal_error(std::string("unexpected failure: ") + e.what()));
          }
        },
        [](vl_read_atom, off_reactor_job& job) {
          try {
            job.run();
          } catch (const std::exception& e) {
            spdlog::error("off-reactor request work failed: {}", e.what());
          }
        },
    };
  });
}

void send_to_reader(const chat_reader_actor& reader, pending_chat chat) {
  caf::anon_send(reader, vl_read_atom::value, std::move(chat));
}

void run_off_reactor(const chat_reader_actor& reader, std::function<void()> run) {
  caf::anon_send(reader, vl_read_atom::value, off_reactor_job{std::move(run)});
}

std::shared_ptr<void> count_building(actors::service_metrics& metrics) {
  metrics.prompts_building.fetch_add(1, std::memory_order_relaxed);
  auto* m = &metrics;
  return std::shared_ptr<void>(nullptr, [m](void*) { m->prompts_building.fetch_sub(1, std::memory_order_relaxed); });
}

}  // namespace vlserve::http
