// Translates the batch runner's per-sequence results into the session's stream events.
#pragma once

#include <optional>

#include "actors/messages.hpp"
#include "model/serving/batch_runner.hpp"

namespace vlserve::actors {

// nullopt when the step produced nothing a client would see (held-back text, no logprobs).
// tool_calls_sent numbers the calls of one completion across events.
std::optional<stream_event> to_stream_event(const model::runner_event& ev, int32_t& tool_calls_sent);

// "call_" + 24 random hex digits, as OpenAI-style clients expect.
std::string new_tool_call_id();

}  // namespace vlserve::actors
