#include "http/api_error.hpp"

#include "config/json.hpp"

namespace vlserve::http {

api_error bad_request(std::string message, std::string param, std::string code) {
  return {400, std::move(message), "invalid_request_error", std::move(param), std::move(code)};
}

api_error not_found(std::string message, std::string code) {
  return {404, std::move(message), "not_found_error", "", std::move(code)};
}

api_error model_not_found(const std::string& model, const std::string& served) {
  return {404, "The model '" + model + "' does not exist; this server serves '" + served + "' (GET /v1/models)",
          "invalid_request_error", "model", "model_not_found"};
}

api_error unauthorized(std::string message) {
  return {401, std::move(message), "invalid_request_error", "", "invalid_api_key"};
}

api_error payload_too_large(std::string message) {
  return {413, std::move(message), "invalid_request_error", "", "request_too_large"};
}

api_error body_too_large(uint64_t bytes, uint64_t limit) {
  return payload_too_large("request body is " + std::to_string(bytes) + " bytes; the limit is MAX_REQUEST_BYTES=" +
                           std::to_string(limit) + " (send media by URL or raise the limit)");
}

api_error length_required(std::string message) {
  return {411, std::move(message), "invalid_request_error", "", "length_required"};
}

api_error headers_too_large(std::string message) {
  return {431, std::move(message), "invalid_request_error", "", "headers_too_large"};
}

api_error model_not_ready(std::string message) {
  return {503, std::move(message), "service_unavailable", "", "model_not_ready"};
}

api_error method_not_allowed(std::string message) {
  return {405, std::move(message), "invalid_request_error", "", "method_not_allowed"};
}

api_error queue_full(std::string message) {
  return {429, std::move(message), "rate_limit_error", "", "queue_full"};
}

int retry_after_seconds(const api_error& e) {
  if (e.status == 503) return 5;
  if (e.status == 429) return 2;
  return 0;
}

api_error internal_error(std::string message) {
  return {500, std::move(message), "server_error", "", "internal_error"};
}

std::string error_body(const api_error& e) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  auto nullable = [&w](const std::string& s) {
    if (s.empty()) {
      w.Null();
    } else {
      w.String(s.c_str(), rapidjson::SizeType(s.size()));
    }
  };
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("message");
  w.String(e.message.c_str(), rapidjson::SizeType(e.message.size()));
  w.Key("type");
  w.String(e.type.c_str(), rapidjson::SizeType(e.type.size()));
  w.Key("param");
  nullable(e.param);
  w.Key("code");
  nullable(e.code);
  w.EndObject();
  w.EndObject();
  return sb.GetString();
}

}  // namespace vlserve::http
