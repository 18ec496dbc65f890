// A known path asked with a method it does not take: 405 with `Allow` and an OpenAI-shaped JSON
// body. Pistache's router would answer these itself in plain text, so every other method of every
// route is registered here.
#include <utility>
#include <vector>

#include "http/api_error.hpp"
#include "http/reply.hpp"
#include "http/routes.hpp"

namespace vlserve::http {

using namespace Pistache;

namespace {

struct route_methods {
  const char* path;
  std::vector<Http::Method> allowed;
};

const std::vector<route_methods>& known_routes() {
  static const std::vector<route_methods> routes = {
      {"/health", {Http::Method::Get}},
      {"/metrics", {Http::Method::Get}},
      {"/v1/models", {Http::Method::Get}},
      {"/v1/chat/completions", {Http::Method::Post}},
      {"/v1/sessions/:id", {Http::Method::Get}},
      {"/v1/sessions/:id/events", {Http::Method::Get}},
      {"/v1/cancel/:id", {Http::Method::Post}},
      {"/tokenize", {Http::Method::Post}},
      {"/detokenize", {Http::Method::Post}},
  };
  return routes;
}

}  // namespace

void add_method_not_allowed(Rest::Router& router, route_context& ctx) {
  // Every method Pistache knows (the framing screen refuses the rest), so its router never answers
  // one itself; OPTIONS stays with the CORS preflight when CORS_ORIGINS is set.
  std::vector<Http::Method> methods = {Http::Method::Get,   Http::Method::Post,   Http::Method::Put,
                                       Http::Method::Patch, Http::Method::Delete, Http::Method::Head,
                                       Http::Method::Trace, Http::Method::Connect};
  if (ctx.settings.cors_origins.empty()) methods.push_back(Http::Method::Options);
  for (const auto& route : known_routes()) {
    std::string allowed_text;
    for (auto m : route.allowed) allowed_text += std::string(allowed_text.empty() ? "" : ", ") + Http::methodString(m);
    for (const auto method : methods) {
      bool allowed = false;
      for (auto m : route.allowed) allowed = allowed || m == method;
      if (allowed) continue;
      const std::vector<Http::Method> allow = route.allowed;
      const std::string message = std::string(Http::methodString(method)) + " is not allowed on " + route.path +
                                  "; use " + allowed_text;
      router.addRoute(method, route.path, [&ctx, allow, message](const Rest::Request&, Http::ResponseWriter w) {
        w.headers().add<Http::Header::Allow>(allow);
        send_error(w, method_not_allowed(message), ctx.rt.metrics());
        return Rest::Route::Result::Ok;
      });
    }
  }
}

}  // namespace vlserve::http
