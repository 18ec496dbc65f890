// GET / and the page's files (ui/): static bytes compiled into the binary, so the handler only
// writes them. No API key: the page holds no data and asks for the key itself; every /v1 call
// it makes passes the key gate like any other client's. UI=0 registers nothing (so / is a 404).
#include <string>

#include "http/extra_headers.hpp"
#include "http/routes.hpp"
#include "ui/assets.hpp"

namespace vlserve::http {

using namespace Pistache;

namespace {

// Nothing from another origin: scripts, styles and fetches stay on this server; pasted images and
// videos are shown from data:/blob: URLs. No inline script or style, no framing.
constexpr std::string_view kPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

bool etag_matches(const Rest::Request& req, std::string_view etag) {
  const auto raw = req.headers().tryGetRaw("If-None-Match");
  if (!raw) return false;
  const std::string& value = raw->value();
  return value == "*" || value.find(etag) != std::string::npos;
}

}  // namespace

void add_ui_routes(Rest::Router& router, route_context& ctx) {
  if (!ctx.settings.ui) return;
  for (const ui::asset& a : ui::assets()) {
    Rest::Routes::Get(router, std::string(a.route), [&ctx, &a](const Rest::Request& req, Http::ResponseWriter w) {
      // no-cache = revalidate every time: a new binary's page is picked up at once, an unchanged
      // one costs a 304 without a body.
      w.headers().add<cache_control_header>("no-cache");
      w.headers().add<etag_header>(a.etag);
      w.headers().add<nosniff_header>("nosniff");
      w.headers().add<referrer_policy_header>("no-referrer");
      w.headers().add<csp_header>(kPolicy);
      if (etag_matches(req, a.etag)) {
        ctx.rt.metrics().count_request(304);
        w.send(Http::Code::Not_Modified);
        return Rest::Route::Result::Ok;
      }
      w.headers().add<Http::Header::ContentType>(Http::Mime::MediaType::fromString(std::string(a.content_type)));
      ctx.rt.metrics().count_request(200);
      w.send(Http::Code::Ok, a.body.data(), a.body.size());
      return Rest::Route::Result::Ok;
    });
  }
}

}  // namespace vlserve::http
