#include "http/completion_json.hpp"

#include <map>

#include "config/json.hpp"
#include "http/failure_table.hpp"

namespace vlserve::http {
namespace {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), rapidjson::SizeType(value.size()));
}

void put_header(writer& w, const completion_context& ctx, const char* object) {
  put(w, "id", ctx.completion_id);
  put(w, "object", object);
  w.Key("created");
  w.Int64(ctx.created);
  put(w, "model", ctx.model);
}

void put_usage(writer& w, const actors::usage_counts& u) {
  w.Key("usage");
  w.StartObject();
  w.Key("prompt_tokens");
  w.Int(u.prompt_tokens);
  w.Key("completion_tokens");
  w.Int(u.completion_tokens);
  w.Key("total_tokens");
  w.Int(u.prompt_tokens + u.completion_tokens);
  w.Key("prompt_tokens_details");
  w.StartObject();
  w.Key("cached_tokens");
  w.Int(u.cached_tokens);
  w.EndObject();
  w.Key("completion_tokens_details");
  w.StartObject();
  w.Key("reasoning_tokens");
  w.Int(u.reasoning_tokens);
  w.EndObject();
  w.EndObject();
}

// Each call is sent whole (never split across chunks); `index` is its position in the completion.
void put_tool_calls(writer& w, const std::vector<actors::tool_call_delta>& calls) {
  w.Key("tool_calls");
  w.StartArray();
  for (size_t i = 0; i < calls.size(); ++i) {
    w.StartObject();
    w.Key("index");
    w.Int(calls[i].index);
    put(w, "id", calls[i].id);
    put(w, "type", "function");
    w.Key("function");
    w.StartObject();
    put(w, "name", calls[i].name);
    put(w, "arguments", calls[i].arguments);
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
}

// OpenAI's `bytes`: the token's UTF-8 bytes as integers, so a client can join tokens that split a
// character.
void put_bytes(writer& w, const std::string& token) {
  w.Key("bytes");
  w.StartArray();
  for (const char c : token) w.Int(static_cast<unsigned char>(c));
  w.EndArray();
}

void put_logprobs(writer& w, const std::vector<actors::token_logprob>& lps, bool wanted) {
  w.Key("logprobs");
  if (!wanted) {
    w.Null();
    return;
  }
  w.StartObject();
  w.Key("content");
  w.StartArray();
  for (const auto& lp : lps) {
    w.StartObject();
    put(w, "token", lp.token);
    w.Key("logprob");
    w.Double(lp.logprob);
    put_bytes(w, lp.token);
    w.Key("top_logprobs");
    w.StartArray();
    for (size_t i = 0; i < lp.top_tokens.size() && i < lp.top_logprobs.size(); ++i) {
      w.StartObject();
      put(w, "token", lp.top_tokens[i]);
      w.Key("logprob");
      w.Double(lp.top_logprobs[i]);
      put_bytes(w, lp.top_tokens[i]);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace

std::string chunk_json(const actors::stream_event& ev, const completion_context& ctx) {
  // A failure inside a stream has the same body as one before it (http/failure_table.cpp).
  if (ev.error != actors::failure::none) return error_body(api_error_for(ev.error, ev.error_message));
  rapidjson::StringBuffer sb;
  writer w(sb);
  w.StartObject();
  put_header(w, ctx, "chat.completion.chunk");
  w.Key("choices");
  w.StartArray();
  if (!ev.usage_only) {
    w.StartObject();
    w.Key("index");
    w.Int(ev.choice);
    w.Key("delta");
    w.StartObject();
    if (!ev.role.empty()) put(w, "role", ev.role);
    if (!ev.reasoning.empty()) put(w, "reasoning_content", ev.reasoning);
    if (!ev.content.empty() || !ev.role.empty()) put(w, "content", ev.content);
    if (!ev.tool_calls.empty()) put_tool_calls(w, ev.tool_calls);
    w.EndObject();
    put_logprobs(w, ev.logprobs, ctx.want_logprobs && !ev.logprobs.empty());
    w.Key("finish_reason");
    if (ev.finish_reason == actors::finish::none) {
      w.Null();
    } else {
      w.String(actors::finish_name(ev.finish_reason));
    }
    w.EndObject();
  }
  w.EndArray();
  if (ev.usage_only) put_usage(w, ev.usage);
  w.EndObject();
  return sb.GetString();
}

std::string completion_json(const std::vector<actors::stream_event>& events, const completion_context& ctx) {
  // One message per choice, in index order; the events of n > 1 choices arrive interleaved.
  struct choice_text {
    std::string reasoning, content, finish_reason = "stop";
    std::vector<actors::tool_call_delta> calls;
    std::vector<actors::token_logprob> logprobs;
  };
  std::map<int32_t, choice_text> choices;
  actors::usage_counts usage;
  for (const auto& ev : events) {
    if (ev.usage_only) continue;
    auto& c = choices[ev.choice];
    c.reasoning += ev.reasoning;
    c.content += ev.content;
    c.calls.insert(c.calls.end(), ev.tool_calls.begin(), ev.tool_calls.end());
    c.logprobs.insert(c.logprobs.end(), ev.logprobs.begin(), ev.logprobs.end());
    if (ev.finish_reason != actors::finish::none) {
      c.finish_reason = actors::finish_name(ev.finish_reason);
      actors::add_choice_usage(usage, ev.usage);
    }
  }
  if (choices.empty()) choices[0];
  rapidjson::StringBuffer sb;
  writer w(sb);
  w.StartObject();
  put_header(w, ctx, "chat.completion");
  w.Key("choices");
  w.StartArray();
  for (const auto& [index, c] : choices) {
    w.StartObject();
    w.Key("index");
    w.Int(index);
    w.Key("message");
    w.StartObject();
    put(w, "role", "assistant");
    w.Key("content");
    if (c.content.empty() && !c.calls.empty()) {
      w.Null();
    } else {
      w.String(c.content.c_str(), rapidjson::SizeType(c.content.size()));
    }
    if (!c.reasoning.empty()) put(w, "reasoning_content", c.reasoning);
    if (!c.calls.empty()) put_tool_calls(w, c.calls);
    w.EndObject();
    put_logprobs(w, c.logprobs, ctx.want_logprobs);
    put(w, "finish_reason", c.finish_reason);
    w.EndObject();
  }
  w.EndArray();
  put_usage(w, usage);
  w.EndObject();
  return sb.GetString();
}

}  // namespace vlserve::http
