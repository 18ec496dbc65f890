// Message payloads exchanged by the actors, each with inspect() so CAF can serialise it (the
// persister stores events in this form, and a cluster node can receive them).
#pragma once

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "actors/failure.hpp"
#include "store/session_state.hpp"

namespace vlserve::actors {

// Lifecycle of a session: one enum, the store's (its numbers are on disk); the diagram is in
// ARCHITECTURE.md.
using session_state = store::session_state;
using store::is_terminal;

// "queued", "running", ... as the API and the logs show it.
const char* state_name(session_state s);

// Why generation ended, as the API's finish_reason says it; none = more follows. The numbers are
// on disk (event format 3) and on the cluster wire: append, never renumber.
enum class finish : uint8_t { none = 0, stop = 1, length = 2, tool_calls = 3, cancelled = 4, interrupted = 5, error = 6 };

// "stop", "length", ...; "" for none.
const char* finish_name(finish f);
// The terminal state a session reaches with this finish (finished for stop/length/tool_calls).
session_state terminal_state_for(finish f);

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
// Each choice's first event carries the role; the one that ends a choice carries its
// finish_reason and usage (or an error). With n > 1 the choices' events interleave in one log,
// each naming its `choice`. With stream_options.include_usage a separate usage-only event (the
// sum over choices) follows the last one. `final` marks the last event of the log: after it the
// stream sends [DONE].
// Stored as event format 4 (actors/event_codec.cpp, ARCHITECTURE.md "Stored events").
struct stream_event {
  uint64_t index = 0;
  std::string role;
  std::string reasoning;
  std::string content;
  std::vector<tool_call_delta> tool_calls;
  std::vector<token_logprob> logprobs;
  finish finish_reason = finish::none;
  usage_counts usage;
  failure error = failure::none;  // set: this event reports a failure (finish_reason error)
  std::string error_message;
  bool usage_only = false;  // the OpenAI usage chunk (empty choices)
  bool final = false;
  int32_t choice = 0;  // choices[0].index of the chunk (n > 1); stored from event format 4 on
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stream_event& x) {
  return f(caf::meta::type_name("stream_event"), x.index, x.role, x.reasoning, x.content, x.tool_calls,
           x.logprobs, x.finish_reason, x.usage, x.error, x.error_message, x.usage_only, x.final, x.choice);
}

// The request's usage from its choices' own: the prompt (and its cached part) counts once,
// completion and reasoning tokens add up.
void add_choice_usage(usage_counts& total, const usage_counts& choice);

// An event that ends generation with `why` (finish error), for a client to read as a failure.
stream_event failure_event(failure why, std::string message);

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
  int32_t choices = 1;  // n
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_info& x) {
  return f(caf::meta::type_name("session_info"), x.id, x.state, x.model, x.created, x.event_count,
           x.attached_clients, x.include_usage, x.logprobs, x.choices);
}

}  // namespace vlserve::actors
