// Parses an OpenAI chat-completions JSON body into the plain model::chat_request struct.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "model/chat/chat_request.hpp"

namespace vlserve::http {

// A client mistake in the request body: what() says what is wrong and what to send instead,
// param names the offending field the way OpenAI does ("messages[2].content[0].image_url"),
// empty for the body as a whole (malformed JSON).
struct request_error : std::runtime_error {
  request_error(const std::string& text, std::string param_name)
      : std::runtime_error(text), message(text), param(std::move(param_name)) {}
  // The whole text for the client: what() ends at the first NUL, and a field name the client
  // sent (echoed in the text) may hold one ("\u0000" as a key once gave an empty message).
  std::string message;
  std::string param;
};

// Throws request_error on any invalid input (never anything else, never aborts). An unknown
// top-level field is a 400 naming it (as OpenAI does); fields sent as null count as absent.
model::chat_request parse_chat_request(std::string_view body);

}  // namespace vlserve::http
