// Message payloads exchanged by the actors, each with inspect() so CAF can serialise it (the
// persister stores events in this form, and a cluster node can receive them).
#pragma once

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "store/session_state.hpp"

namespace vlserve::actors {

// Lifecycle of a session: one enum, the store's (its numbers are on disk); the diagram is in
// ARCHITECTURE.md.
using session_state = store::session_state;
using store::is_terminal;

// "queued", "running", ... as the API and the logs show it.
const char* state_name(session_state s);

struct tool_call_delta {
  int32_t index = 0;  // position among all calls of the completion
  std::string id;
  std::string name;
  std::string arguments;  // JSON text
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tool_call_delta& x) {
  return f(caf::meta::type_name("tool_call_delta"), x.index, x.id, x.name, x.arguments);
}

struct token_logprob {
  std::string token;
  float logprob = 0;
  std::vector<std::string> top_tokens;
  std::vector<float> top_logprobs;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, token_logprob& x) {
  return f(caf::meta::type_name("token_logprob"), x.token, x.logprob, x.top_tokens, x.top_logprobs);
}

struct usage_counts {
  int32_t prompt_tokens = 0;
  int32_t completion_tokens = 0;
  int32_t reasoning_tokens = 0;
  int32_t cached_tokens = 0;  // prompt tokens reused from the prefix cache
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, usage_counts& x) {
  return f(caf::meta::type_name("usage_counts"), x.prompt_tokens, x.completion_tokens, x.reasoning_tokens,
           x.cached_tokens);
}

// One entry of a session's event log; event `index` is SSE id `<session>:<index>`.
// The first event carries the role; the one that ends generation carries finish_reason and usage
// (or an error). With stream_options.include_usage a separate usage-only event follows it.
// `final` marks the last event of the log: after it the stream sends [DONE].
struct stream_event {
  uint64_t index = 0;
  std::string role;
  std::string reasoning;
  std::string content;
  std::vector<tool_call_delta> tool_calls;
  std::vector<token_logprob> logprobs;
  std::string finish_reason;  // stop | length | tool_calls | cancelled | interrupted | error; empty = more follows
  usage_counts usage;
  int32_t error_status = 0;   // non-zero: this event reports a failure
  std::string error_message;
  std::string error_type;
  bool usage_only = false;  // the OpenAI usage chunk (empty choices)
  bool final = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stream_event& x) {
  return f(caf::meta::type_name("stream_event"), x.index, x.role, x.reasoning, x.content, x.tool_calls,
           x.logprobs, x.finish_reason, x.usage, x.error_status, x.error_message, x.error_type, x.usage_only,
           x.final);
}

// What GET /v1/sessions/{id} reports and what the store keeps beside the events.
struct session_info {
  std::string id;
  session_state state = session_state::queued;
  std::string model;
  int64_t created = 0;  // unix seconds
  uint64_t event_count = 0;
  int32_t attached_clients = 0;
  bool include_usage = false;
  bool logprobs = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_info& x) {
  return f(caf::meta::type_name("session_info"), x.id, x.state, x.model, x.created, x.event_count,
           x.attached_clients, x.include_usage, x.logprobs);
}

}  // namespace vlserve::actors
