#include "http/reply.hpp"

#include "http/extra_headers.hpp"

namespace vlserve::http {

using namespace Pistache;

void send_json(Http::ResponseWriter& w, int status, const std::string& body, actors::service_metrics& metrics) {
  metrics.count_request(status);
  w.headers().add<Http::Header::ContentType>(MIME(Application, Json));
  w.send(static_cast<Http::Code>(status), body);
}

void send_text(Http::ResponseWriter& w, int status, const std::string& body, actors::service_metrics& metrics) {
  metrics.count_request(status);
  w.headers().add<Http::Header::ContentType>(Http::Mime::MediaType::fromString("text/plain; version=0.0.4"));
  w.send(static_cast<Http::Code>(status), body);
}

void send_error(Http::ResponseWriter& w, const api_error& e, actors::service_metrics& metrics) {
  if (const int seconds = retry_after_seconds(e)) w.headers().add<retry_after_header>(seconds);
  if (e.status == 401) w.headers().add<www_authenticate_header>();
  send_json(w, e.status, error_body(e), metrics);
}

}  // namespace vlserve::http
