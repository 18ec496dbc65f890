#include "actors/worker_events.hpp"

#include <cmath>
#include <cstdio>
#include <random>

namespace vlserve::actors {
namespace {

// JSON has no infinity: a token masked to -inf reports a very unlikely finite value.
float finite_logprob(float lp) { return std::isfinite(lp) ? lp : -9999.0f; }

}  // namespace

std::string new_tool_call_id() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  char buf[32];
  std::snprintf(buf, sizeof buf, "call_%012llx%012llx", static_cast<unsigned long long>(gen() & 0xffffffffffffull),
                static_cast<unsigned long long>(gen() & 0xffffffffffffull));
  return buf;
}

std::optional<stream_event> to_stream_event(const model::runner_event& ev, int32_t& tool_calls_sent) {
  stream_event out;
  out.choice = ev.choice;
  out.reasoning = ev.delta.reasoning;
  out.content = ev.delta.content;
  for (const auto& c : ev.delta.tool_calls)
    out.tool_calls.push_back({tool_calls_sent++, new_tool_call_id(), c.name, c.arguments});
  for (const auto& lp : ev.delta.logprobs) {
    token_logprob t;
    t.token = lp.token;
    t.logprob = finite_logprob(lp.logprob);
    t.top_tokens = lp.top_tokens;
    for (float v : lp.top_logprobs) t.top_logprobs.push_back(finite_logprob(v));
    out.logprobs.push_back(std::move(t));
  }
  if (ev.finished) {
    out.usage = {ev.prompt_tokens, ev.completion_tokens, ev.reasoning_tokens, ev.cached_tokens};
    if (!ev.error.empty()) {
      out.finish_reason = finish::error;
      out.error = failure::generation_failed;
      out.error_message = "generation failed: " + ev.error;
    } else if (ev.cancelled) {
      out.finish_reason = finish::cancelled;
    } else if (ev.delta.tool_calls_finish) {
      out.finish_reason = finish::tool_calls;
    } else {
      out.finish_reason = ev.delta.finish == model::finish_reason::length ? finish::length : finish::stop;
    }
    return out;
  }
  if (out.reasoning.empty() && out.content.empty() && out.tool_calls.empty() && out.logprobs.empty())
    return std::nullopt;
  return out;
}

}  // namespace vlserve::actors
