// The `messages` array of a chat-completions body: roles, content strings or part lists (text,
// image, video), reasoning_content, tool_calls, tool_call_id and name.
#pragma once

#include <vector>

#include "http/chat_request_fields.hpp"
#include "model/chat/chat_message.hpp"

namespace vlserve::http {

inline constexpr std::size_t max_messages = 4096;
inline constexpr std::size_t max_parts_per_message = 512;
inline constexpr std::size_t max_tool_calls_per_message = 128;

// Throws request_error; the result is never empty.
std::vector<model::chat_message> parse_messages(const fields::json& messages);

}  // namespace vlserve::http
