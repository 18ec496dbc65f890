// GET /health, GET /v1/models, GET /metrics: answered on the reactor thread from shared state.
// /v1/models needs an API key (when keys are set); /health and /metrics only with PROTECT_METRICS=1,
// so load balancers and Prometheus keep working without one.
#include <ctime>

#include "config/json.hpp"
#include "config/served_model_name.hpp"
#include "http/health_route.hpp"
#include "http/metrics_text.hpp"
#include "http/reply.hpp"
#include "http/route_auth.hpp"
#include "http/routes.hpp"

namespace vlserve::http {

using namespace Pistache;

namespace {

std::string models_json(const std::string& id, int64_t created) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("object");
  w.String("list");
  w.Key("data");
  w.StartArray();
  w.StartObject();
  w.Key("id");
  w.String(id.c_str(), rapidjson::SizeType(id.size()));
  w.Key("object");
  w.String("model");
  w.Key("created");
  w.Int64(created);
  w.Key("owned_by");
  w.String("vlserve");
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return sb.GetString();
}

}  // namespace

void add_info_routes(Rest::Router& router, route_context& ctx) {
  const auto started = int64_t(std::time(nullptr));
  Rest::Routes::Get(router, "/health", [&ctx](const Rest::Request& req, Http::ResponseWriter w) {
    if (ctx.settings.protect_metrics && !authorize(ctx, req, w)) return Rest::Route::Result::Ok;
    auto [code, body] = health_reply(ctx.rt.state().get());
    send_json(w, code, body, ctx.rt.metrics());
    return Rest::Route::Result::Ok;
  });
  Rest::Routes::Get(router, "/v1/models", [&ctx, started](const Rest::Request& req, Http::ResponseWriter w) {
    if (!authorize(ctx, req, w)) return Rest::Route::Result::Ok;
    send_json(w, 200, models_json(config::served_model_name(ctx.settings), started), ctx.rt.metrics());
    return Rest::Route::Result::Ok;
  });
  Rest::Routes::Get(router, "/metrics", [&ctx](const Rest::Request& req, Http::ResponseWriter w) {
    if (ctx.settings.protect_metrics && !authorize(ctx, req, w)) return Rest::Route::Result::Ok;
    send_text(w, 200, metrics_text(ctx.rt.metrics()), ctx.rt.metrics());
    return Rest::Route::Result::Ok;
  });
}

}  // namespace vlserve::http
