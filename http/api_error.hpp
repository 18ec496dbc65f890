// The one table that turns an error into an HTTP status and an OpenAI-style error body.
#pragma once

#include <cstdint>
#include <string>

namespace vlserve::http {

struct api_error {
  int status = 500;          // HTTP status code
  std::string message;       // says what went wrong and what to do instead
  std::string type;          // invalid_request_error, not_found_error, server_error, ...
  std::string param;         // offending request field, empty when none
  std::string code;          // machine-readable code, empty when none
};

api_error bad_request(std::string message, std::string param = {}, std::string code = {});
api_error not_found(std::string message, std::string code = "not_found");
// 404 model_not_found, as OpenAI answers a model it does not serve.
api_error model_not_found(const std::string& model, const std::string& served);
// 401 invalid_api_key, as OpenAI answers a missing or wrong key.
api_error unauthorized(std::string message);
api_error payload_too_large(std::string message);
// 413 for a body of `bytes` over MAX_REQUEST_BYTES (`limit`): the chat route and the framing screen.
api_error body_too_large(uint64_t bytes, uint64_t limit);
// 411 length_required: a request body framed by Transfer-Encoding instead of Content-Length.
api_error length_required(std::string message);
// 431 headers_too_large: the request line and headers are over the framing screen's limit.
api_error headers_too_large(std::string message);
api_error model_not_ready(std::string message);
// 405 method_not_allowed (the reply adds Allow).
api_error method_not_allowed(std::string message);
// 429 queue_full: MAX_QUEUED requests already wait (the reply adds Retry-After).
api_error queue_full(std::string message);
api_error internal_error(std::string message);

// Seconds for a Retry-After header (503: the model is loading or full; 429: the queue is full),
// or 0 for none. Both reply paths (Pistache writer and raw connection) ask here.
int retry_after_seconds(const api_error& e);

// {"error":{"message":...,"type":...,"param":...|null,"code":...|null}}
std::string error_body(const api_error& e);

}  // namespace vlserve::http
