#include "http/request_headers.hpp"

namespace vlserve::http {

std::string header_value(const Pistache::Rest::Request& req, const std::string& name) {
  if (auto raw = req.headers().tryGetRaw(name)) return raw->value();
  return "";
}

std::string last_event_id(const Pistache::Rest::Request& req) {
  auto v = header_value(req, "Last-Event-ID");
  if (!v.empty()) return v;
  if (auto q = req.query().get("last_event_id")) return *q;
  return "";
}

}  // namespace vlserve::http
