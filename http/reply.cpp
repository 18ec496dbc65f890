#include "http/reply.hpp"

#include "http/extra_headers.hpp"

namespace vlserve::http {

using namespace Pistache;

void send_json(Http::ResponseWriter& w, int status, const std::string& body) {
  w.headers().add<Http::Header::ContentType>(MIME(Application, Json));
  w.send(static_cast<Http::Code>(status), body);
}

void send_error(Http::ResponseWriter& w, const api_error& e) {
  if (e.status == 503) w.headers().add<retry_after_header>(5);
  send_json(w, e.status, error_body(e));
}

}  // namespace vlserve::http
