// The body fields that shape the output rather than the prompt: response_format, logit_bias,
// thinking controls (thinking_budget, reasoning_effort, chat_template_kwargs), parallel_tool_calls,
// and the tool_choice checks that need the tools list.
#pragma once

#include "http/chat_request_fields.hpp"
#include "model/chat/chat_request.hpp"

namespace vlserve::http {

inline constexpr std::size_t max_logit_bias_entries = 300;  // OpenAI's limit
inline constexpr std::int64_t max_thinking_budget = 1 << 24;

// Reads every output field of `body` into `out` (throws request_error naming the param).
void parse_output_controls(const fields::json& body, model::chat_request& out);

// "required" needs tools; a named function must be one of them (call after parse_tools).
void check_tool_choice(const model::chat_request& r);

// Throws request_error naming the first top-level key that is not part of the API (OpenAI
// answers "Unrecognized request argument supplied" the same way).
void reject_unknown_fields(const fields::json& body);

}  // namespace vlserve::http
