#include "actors/messages.hpp"

#include <algorithm>

namespace vlserve::actors {

const char* state_name(session_state s) { return store::to_string(s).data(); }

const char* finish_name(finish f) {
  switch (f) {
    case finish::none: return "";
    case finish::stop: return "stop";
    case finish::length: return "length";
    case finish::tool_calls: return "tool_calls";
    case finish::cancelled: return "cancelled";
    case finish::interrupted: return "interrupted";
    case finish::error: return "error";
  }
  return "";
}

session_state terminal_state_for(finish f) {
  switch (f) {
    case finish::cancelled: return session_state::cancelled;
    case finish::error: return session_state::failed;
    case finish::interrupted: return session_state::interrupted;
    default: return session_state::finished;
  }
}

stream_event failure_event(failure why, std::string message) {
  stream_event ev;
  ev.finish_reason = finish::error;
  ev.error = why;
  ev.error_message = std::move(message);
  return ev;
}

void add_choice_usage(usage_counts& total, const usage_counts& choice) {
  total.prompt_tokens = std::max(total.prompt_tokens, choice.prompt_tokens);
  total.cached_tokens = std::max(total.cached_tokens, choice.cached_tokens);
  total.completion_tokens += choice.completion_tokens;
  total.reasoning_tokens += choice.reasoning_tokens;
}

}  // namespace vlserve::actors
