#include "http/chat_request_parser.hpp"

#include <limits>

#include "http/chat_request_fields.hpp"
#include "http/chat_request_messages.hpp"
#include "http/chat_request_output.hpp"
#include "http/chat_request_tools.hpp"

namespace vlserve::http {
namespace {

using fields::json;

constexpr std::size_t max_stop_sequences = 16;
constexpr std::size_t max_stop_bytes = 512;
constexpr std::int64_t max_token_limit = 1 << 24;
constexpr std::int64_t max_top_k = 1 << 20;
constexpr std::size_t max_id_bytes = 256;
// n's hard bound; the chat reader then holds it to MAX_BATCH (all choices share one batch).
constexpr std::int64_t max_choices = 128;


std::vector<std::string> parse_stop(const json& v) {
  if (v.IsString()) return {fields::non_empty_string(v, "stop", max_stop_bytes)};
  if (!v.IsArray()) fields::fail("stop", "must be a string or an array of strings");
  fields::array(v, "stop", max_stop_sequences);
  std::vector<std::string> out;
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i)
    out.push_back(fields::non_empty_string(v[i], fields::index("stop", i), max_stop_bytes));
  return out;
}

std::optional<double> optional_number(const json& body, const char* key, double lo, double hi,
                                      bool lo_open = false) {
  const json* v = fields::find(body, key);
  if (!v) return std::nullopt;
  return fields::number(*v, key, lo, hi, lo_open);
}

void parse_sampling(const json& body, model::chat_request& r) {
  if (const json* v = fields::find(body, "max_tokens"))
    r.max_tokens = fields::integer(*v, "max_tokens", 1, max_token_limit);
  if (const json* v = fields::find(body, "max_completion_tokens"))
    r.max_tokens = fields::integer(*v, "max_completion_tokens", 1, max_token_limit);
  r.temperature = optional_number(body, "temperature", 0.0, 2.0);
  r.top_p = optional_number(body, "top_p", 0.0, 1.0, true);
  if (const json* v = fields::find(body, "top_k"))
    r.top_k = fields::integer(*v, "top_k", -1, max_top_k);
  r.min_p = optional_number(body, "min_p", 0.0, 1.0);
  r.presence_penalty = optional_number(body, "presence_penalty", -2.0, 2.0);
  r.frequency_penalty = optional_number(body, "frequency_penalty", -2.0, 2.0);
  r.repetition_penalty = optional_number(body, "repetition_penalty", 0.0, 10.0, true);
  if (const json* v = fields::find(body, "seed"))
    r.seed = fields::integer(*v, "seed", std::numeric_limits<std::int64_t>::min(),
                             std::numeric_limits<std::int64_t>::max());
  if (const json* v = fields::find(body, "stop")) r.stop = parse_stop(*v);
  if (const json* v = fields::find(body, "n")) r.n = int(fields::integer(*v, "n", 1, max_choices));
  if (const json* v = fields::find(body, "logprobs")) r.logprobs = fields::boolean(*v, "logprobs");
  if (const json* v = fields::find(body, "top_logprobs")) {
    r.top_logprobs = static_cast<int>(fields::integer(*v, "top_logprobs", 0, 20));
    if (*r.top_logprobs > 0 && !r.logprobs)
      fields::fail("top_logprobs", "needs \"logprobs\": true");
  }
}

void parse_identity(const json& body, model::chat_request& r) {
  if (const json* v = fields::find(body, "model")) r.model = fields::string(*v, "model");
  if (const json* v = fields::find(body, "user")) r.user = fields::string(*v, "user");
  if (const json* v = fields::find(body, "session_id")) {
    r.session_id = fields::non_empty_string(*v, "session_id", max_id_bytes);
    for (const char c : *r.session_id)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        fields::fail("session_id", "must not contain control characters");
  }
}

void parse_streaming(const json& body, model::chat_request& r) {
  if (const json* v = fields::find(body, "stream")) r.stream = fields::boolean(*v, "stream");
  if (const json* opts = fields::find(body, "stream_options")) {
    fields::object(*opts, "stream_options");
    if (const json* v = fields::find(*opts, "include_usage"))
      r.include_usage = fields::boolean(*v, "stream_options.include_usage");
  }
}

model::chat_request parse_document(std::string_view body) {
  rapidjson::Document doc;
  const auto parsed = config::parse_untrusted(doc, body);
  if (parsed.IsError())
    throw request_error(std::string("request body is not valid JSON: ") +
                            rapidjson::GetParseError_En(parsed.Code()) + " (at byte " +
                            std::to_string(parsed.Offset()) + ")",
                        "");
  if (!doc.IsObject()) throw request_error("request body must be a JSON object", "");

  reject_unknown_fields(doc);
  model::chat_request r;
  const json* messages = fields::find(doc, "messages");
  if (!messages) fields::fail("messages", "is required");
  r.messages = parse_messages(*messages);
  if (const json* v = fields::find(doc, "tools")) r.tools = parse_tools(*v);
  if (const json* v = fields::find(doc, "tool_choice")) parse_tool_choice(*v, r);
  parse_identity(doc, r);
  parse_streaming(doc, r);
  parse_sampling(doc, r);
  parse_output_controls(doc, r);
  check_tool_choice(r);
  return r;
}

}  // namespace

model::chat_request parse_chat_request(std::string_view body) {
  try {
    return parse_document(body);
  } catch (const request_error&) {
    throw;
  } catch (const std::exception& e) {
    // Last line of defence (e.g. the throwing RAPIDJSON_ASSERT): still a client error, not a crash.
    throw request_error(std::string("invalid request: ") + e.what(), "");
  }
}

}  // namespace vlserve::http
