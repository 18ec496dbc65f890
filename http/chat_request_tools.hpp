// The `tools` array and `tool_choice` of a chat-completions body.
#pragma once

#include <vector>

#include "http/chat_request_fields.hpp"
#include "model/chat/chat_request.hpp"

namespace vlserve::http {

inline constexpr std::size_t max_tools = 128;

// Each entry must be {"type": "function", "function": {"name": ..., ...}}; kept as JSON text.
std::vector<model::tool_definition> parse_tools(const fields::json& tools);

// "none" | "auto" | "required" | {"type": "function", "function": {"name": ...}}.
void parse_tool_choice(const fields::json& choice, model::chat_request& out);

}  // namespace vlserve::http
