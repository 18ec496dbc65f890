#include "http/deferred_reply.hpp"

#include "http/cors.hpp"

namespace vlserve::http {

std::shared_ptr<raw_reply> deferred_reply(route_context& ctx, Pistache::Http::ResponseWriter& w,
                                          const std::string& origin) {
  auto reply = std::make_shared<raw_reply>(w.getPeer(), ctx.rt.metrics());
  reply->add_headers(cors_header_lines(ctx.settings, origin));
  return reply;
}

}  // namespace vlserve::http
