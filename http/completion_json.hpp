// OpenAI chat.completion and chat.completion.chunk bodies built from a session's events.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actors/messages.hpp"

namespace vlserve::http {

struct completion_context {
  std::string completion_id;  // "chatcmpl-<session id>"
  int64_t created = 0;        // unix seconds of the session start
  std::string model;          // echoed from the request
  bool want_logprobs = false;
};

// The `data:` payload of one SSE event: a chat.completion.chunk, the usage chunk, or {"error":{...}}.
std::string chunk_json(const actors::stream_event& ev, const completion_context& ctx);

// A whole non-streaming chat.completion from the complete event log.
std::string completion_json(const std::vector<actors::stream_event>& events, const completion_context& ctx);

}  // namespace vlserve::http
