#include "http/route_auth.hpp"

#include "http/reply.hpp"

namespace vlserve::http {

using namespace Pistache;

namespace {

// Pistache parses Authorization into its typed header; fall back to the raw one just in case.
std::string authorization_of(const Rest::Request& req) {
  if (auto typed = req.headers().tryGet<Http::Header::Authorization>()) return typed->value();
  if (auto raw = req.headers().tryGetRaw("Authorization")) return raw->value();
  return "";
}

}  // namespace

std::optional<std::string> authorize(route_context& ctx, const Rest::Request& req, Http::ResponseWriter& w) {
  if (auto owner = ctx.keys.owner_of(authorization_of(req))) return owner;
  // The presented value is never echoed or logged: it may be a real key with a typo.
  send_error(w,
             unauthorized("Incorrect or missing API key. Send 'Authorization: Bearer <key>' with a key from "
                          "the server's API_KEY or API_KEY_FILE."),
             ctx.rt.metrics());
  return std::nullopt;
}

}  // namespace vlserve::http
