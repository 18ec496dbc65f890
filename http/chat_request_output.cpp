#include "http/chat_request_output.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <charconv>
#include <string_view>

namespace vlserve::http {
namespace {

using fields::json;

constexpr std::size_t max_schema_name_bytes = 64;
constexpr int max_schema_nesting = 64;

// Every top-level key the server reads; see the README's request field table.
constexpr std::string_view known_fields[] = {
    "messages", "model", "stream", "stream_options", "max_tokens", "max_completion_tokens",
    "temperature", "top_p", "top_k", "min_p", "presence_penalty", "frequency_penalty",
    "repetition_penalty", "seed", "stop", "n", "logprobs", "top_logprobs", "tools", "tool_choice",
    "parallel_tool_calls", "response_format", "logit_bias", "thinking_budget", "reasoning_effort",
    "chat_template_kwargs", "user", "session_id"};

void parse_json_schema(const json& v, model::response_format& out) {
  const std::string param = "response_format.json_schema";
  fields::object(v, param);
  const json* name = fields::find(v, "name");
  if (!name) fields::fail(param + ".name", "is required");
  out.name = fields::non_empty_string(*name, param + ".name", max_schema_name_bytes);
  for (const char c : out.name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-')
      fields::fail(param + ".name", "may only hold a-z, A-Z, 0-9, '_' and '-'");
  if (const json* strict = fields::find(v, "strict")) out.strict = fields::boolean(*strict, param + ".strict");
  const json* schema = fields::find(v, "schema");
  if (!schema) fields::fail(param + ".schema", "is required");
  fields::object(*schema, param + ".schema");
  out.schema_json = fields::to_json_text(*schema, param + ".schema", max_schema_nesting);
  if (const json* d = fields::find(v, "description")) fields::string(*d, param + ".description");
}

void parse_response_format(const json& v, model::response_format& out) {
  fields::object(v, "response_format");
  const json* type = fields::find(v, "type");
  if (!type) fields::fail("response_format.type", "is required");
  const std::string t = fields::string(*type, "response_format.type");
  if (t == "text") {
    out.kind = model::response_format_kind::text;
  } else if (t == "json_object") {
    out.kind = model::response_format_kind::json_object;
  } else if (t == "json_schema") {
    out.kind = model::response_format_kind::json_schema;
    const json* s = fields::find(v, "json_schema");
    if (!s) fields::fail("response_format.json_schema", "is required with type \"json_schema\"");
    parse_json_schema(*s, out);
  } else {
    fields::fail("response_format.type", "must be \"text\", \"json_object\" or \"json_schema\" (got \"" + t + "\")");
  }
}

std::int32_t token_id_key(std::string_view key, const std::string& param) {
  std::int32_t id = -1;
  const auto r = std::from_chars(key.data(), key.data() + key.size(), id);
  if (key.empty() || r.ec != std::errc() || r.ptr != key.data() + key.size() || id < 0)
    fields::fail(param, "keys must be token ids written as decimal strings, like \"151645\"");
  return id;
}

void parse_logit_bias(const json& v, model::chat_request& out) {
  fields::object(v, "logit_bias");
  if (v.MemberCount() > max_logit_bias_entries)
    fields::fail("logit_bias", "has " + std::to_string(v.MemberCount()) + " entries; at most " +
                                   std::to_string(max_logit_bias_entries) + " are allowed");
  for (const auto& m : v.GetObject()) {
    const std::string key(m.name.GetString(), m.name.GetStringLength());
    const std::string param = "logit_bias." + key;
    const std::int32_t id = token_id_key(key, param);
    out.logit_bias.emplace_back(id, float(fields::number(m.value, param, -100.0, 100.0)));
  }
  std::sort(out.logit_bias.begin(), out.logit_bias.end());
  for (std::size_t i = 1; i < out.logit_bias.size(); ++i)
    if (out.logit_bias[i].first == out.logit_bias[i - 1].first)
      fields::fail("logit_bias", "token " + std::to_string(out.logit_bias[i].first) + " appears twice");
}

void parse_effort(const json& v, model::chat_request& out) {
  const std::string e = fields::string(v, "reasoning_effort");
  if (e == "low") out.effort = model::reasoning_effort::low;
  else if (e == "medium") out.effort = model::reasoning_effort::medium;
  else if (e == "high") out.effort = model::reasoning_effort::high;
  else fields::fail("reasoning_effort", "must be \"low\", \"medium\" or \"high\" (got \"" + e + "\")");
}

// Qwen3-VL-Thinking's template reads add_vision_id and always opens "<think>". We take those,
// thinking_budget (Qwen's API spelling) and enable_thinking=true; anything else would be ignored.
void parse_template_kwargs(const json& v, model::chat_request& out) {
  fields::object(v, "chat_template_kwargs");
  for (const auto& m : v.GetObject()) {
    const std::string key(m.name.GetString(), m.name.GetStringLength());
    const std::string param = "chat_template_kwargs." + key;
    if (key == "thinking_budget") {
      if (m.value.IsNull()) continue;
      if (out.thinking_budget) fields::fail(param, "is also given at the top level; send it once");
      out.thinking_budget = fields::integer(m.value, param, 1, max_thinking_budget);
    } else if (key == "add_vision_id") {
      out.add_vision_id = fields::boolean(m.value, param);
    } else if (key == "enable_thinking") {
      if (!fields::boolean(m.value, param))
        fields::fail(param, "this Thinking model always reasons; cap it with thinking_budget instead");
    } else {
      fields::fail(param, "is not a template option of this model; supported: add_vision_id, thinking_budget, "
                         "enable_thinking");
    }
  }
}

}  // namespace

void parse_output_controls(const json& body, model::chat_request& out) {
  if (const json* v = fields::find(body, "response_format")) parse_response_format(*v, out.format);
  if (const json* v = fields::find(body, "logit_bias")) parse_logit_bias(*v, out);
  if (const json* v = fields::find(body, "parallel_tool_calls"))
    out.parallel_tool_calls = fields::boolean(*v, "parallel_tool_calls");
  if (const json* v = fields::find(body, "thinking_budget"))
    out.thinking_budget = fields::integer(*v, "thinking_budget", 1, max_thinking_budget);
  if (const json* v = fields::find(body, "chat_template_kwargs")) parse_template_kwargs(*v, out);
  if (const json* v = fields::find(body, "reasoning_effort")) parse_effort(*v, out);
  if (out.thinking_budget && out.effort != model::reasoning_effort::unset)
    fields::fail("reasoning_effort", "send either reasoning_effort or thinking_budget, not both");
}

void check_tool_choice(const model::chat_request& r) {
  using mode = model::tool_choice_mode;
  if (r.tool_choice == mode::required && r.tools.empty())
    fields::fail("tool_choice", "\"required\" needs at least one tool in \"tools\"");
  if (r.tool_choice != mode::function) return;
  for (const auto& t : r.tools)
    if (t.name == r.tool_choice_function) return;
  fields::fail("tool_choice.function.name", "'" + r.tool_choice_function + "' is not one of the functions in \"tools\"");
}

void reject_unknown_fields(const json& body) {
  for (const auto& m : body.GetObject()) {
    const std::string_view key(m.name.GetString(), m.name.GetStringLength());
    if (key.empty() || std::find(std::begin(known_fields), std::end(known_fields), key) == std::end(known_fields))
      fields::fail(std::string(key), "is not a supported request field; see the README's request field table");
  }
}

}  // namespace vlserve::http
