#include "http/cors.hpp"

#include <algorithm>

#include "http/extra_headers.hpp"
#include "http/reply.hpp"

namespace vlserve::http {

using namespace Pistache;

namespace {

constexpr const char* kAllowMethods = "GET, POST, OPTIONS";
constexpr const char* kAllowHeaders = "Authorization, Content-Type, Last-Event-ID, X-Session-Id";
constexpr const char* kExposeHeaders = "X-Session-Id, Retry-After";

const char* const kPaths[] = {"/v1/chat/completions", "/v1/models",  "/v1/sessions/:id", "/v1/sessions/:id/events",
                              "/v1/cancel/:id",       "/tokenize",   "/detokenize",      "/health",
                              "/metrics"};

void add_allow_origin(Http::ResponseWriter& w, const std::string& value) {
  w.headers().add<Http::Header::AccessControlAllowOrigin>(value);
  w.headers().add<Http::Header::AccessControlExposeHeaders>(kExposeHeaders);
  if (value != "*") w.headers().add<vary_origin_header>();
}

}  // namespace

std::optional<std::string> allowed_origin(const std::vector<std::string>& allowed, const std::string& origin) {
  if (origin.empty() || allowed.empty()) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), "*") != allowed.end()) return std::string("*");
  if (std::find(allowed.begin(), allowed.end(), origin) != allowed.end()) return origin;
  return std::nullopt;
}

std::vector<std::string> cors_header_lines(const config::settings& s, const std::string& origin) {
  const auto value = allowed_origin(s.cors_origins, origin);
  if (!value) return {};
  std::vector<std::string> lines = {"Access-Control-Allow-Origin: " + *value,
                                    std::string("Access-Control-Expose-Headers: ") + kExposeHeaders};
  if (*value != "*") lines.push_back("Vary: Origin");
  return lines;
}

std::string origin_of(const Http::Request& req) {
  if (auto raw = req.headers().tryGetRaw("Origin")) return raw->value();
  return "";
}

void add_cors(Rest::Router& router, route_context& ctx) {
  if (ctx.settings.cors_origins.empty()) return;
  // Runs before every matched handler: its writer replies (errors, JSON) carry the header.
  router.addMiddleware([&ctx](Http::Request& req, Http::ResponseWriter& w) {
    if (auto value = allowed_origin(ctx.settings.cors_origins, origin_of(req))) add_allow_origin(w, *value);
    return true;
  });
  // A preflight carries no credentials, so it is answered before the key gate.
  for (const char* path : kPaths)
    Rest::Routes::Options(router, path, [&ctx](const Rest::Request& req, Http::ResponseWriter w) {
      if (!allowed_origin(ctx.settings.cors_origins, origin_of(req))) {
        send_error(w, not_found("CORS: this origin is not in CORS_ORIGINS"), ctx.rt.metrics());
        return Rest::Route::Result::Ok;
      }
      w.headers().add<Http::Header::AccessControlAllowMethods>(kAllowMethods);
      w.headers().add<Http::Header::AccessControlAllowHeaders>(kAllowHeaders);
      w.headers().add<max_age_header>(600);
      ctx.rt.metrics().count_request(204);
      w.send(Http::Code::No_Content);
      return Rest::Route::Result::Ok;
    });
}

}  // namespace vlserve::http
