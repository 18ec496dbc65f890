// response_format, logit_bias, thinking controls and tool_choice checks: what is read, and the 400s
// (with the param) for everything the server would otherwise have to ignore.
#include <gtest/gtest.h>

#include "http/chat_request_parser.hpp"

using namespace vlserve;
using http::parse_chat_request;
using http::request_error;

namespace {

std::string body(const std::string& extra) {
  return R"({"messages":[{"role":"user","content":"x"}])" + extra + "}";
}

const std::string weather_tool =
    R"(,"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}])";

std::string param_of(const std::string& b) {
  try {
    parse_chat_request(b);
  } catch (const request_error& e) {
    return e.param;
  }
  return "<accepted>";
}

}  // namespace

TEST(ChatRequestOutput, ReadsResponseFormats) {
  EXPECT_EQ(parse_chat_request(body(R"(,"response_format":{"type":"text"})")).format.kind,
            model::response_format_kind::text);
  EXPECT_EQ(parse_chat_request(body(R"(,"response_format":{"type":"json_object"})")).format.kind,
            model::response_format_kind::json_object);
  const auto r = parse_chat_request(body(
      R"(,"response_format":{"type":"json_schema","json_schema":{"name":"pet","strict":true,)"
      R"("schema":{"type":"object","properties":{"a":{"type":"integer"}}}}})"));
  EXPECT_EQ(r.format.kind, model::response_format_kind::json_schema);
  EXPECT_EQ(r.format.name, "pet");
  EXPECT_TRUE(r.format.strict);
  EXPECT_EQ(r.format.schema_json, R"({"type":"object","properties":{"a":{"type":"integer"}}})");
}

TEST(ChatRequestOutput, ReadsLogitBiasSortedById) {
  const auto r = parse_chat_request(body(R"(,"logit_bias":{"42":-100,"7":5.5})"));
  ASSERT_EQ(r.logit_bias.size(), 2u);
  EXPECT_EQ(r.logit_bias[0], (std::pair<std::int32_t, float>{7, 5.5f}));
  EXPECT_EQ(r.logit_bias[1], (std::pair<std::int32_t, float>{42, -100.0f}));
}

TEST(ChatRequestOutput, ReadsThinkingControls) {
  EXPECT_EQ(parse_chat_request(body(R"(,"thinking_budget":12)")).thinking_budget, 12);
  EXPECT_EQ(parse_chat_request(body(R"(,"chat_template_kwargs":{"thinking_budget":7,"enable_thinking":true})"))
                .thinking_budget,
            7);
  EXPECT_EQ(parse_chat_request(body(R"(,"reasoning_effort":"low")")).effort, model::reasoning_effort::low);
  EXPECT_TRUE(parse_chat_request(body(R"(,"chat_template_kwargs":{"add_vision_id":true})")).add_vision_id);
  EXPECT_FALSE(parse_chat_request(body(R"(,"parallel_tool_calls":false)")).parallel_tool_calls);
}

TEST(ChatRequestOutput, EveryUnservableValueNamesItsParam) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"(,"response_format":{"type":"banana"})", "response_format.type"},
      {R"(,"response_format":"json")", "response_format"},
      {R"(,"response_format":{"type":"json_schema"})", "response_format.json_schema"},
      {R"(,"response_format":{"type":"json_schema","json_schema":{"schema":{}}})", "response_format.json_schema.name"},
      {R"(,"response_format":{"type":"json_schema","json_schema":{"name":"a b","schema":{}}})",
       "response_format.json_schema.name"},
      {R"(,"response_format":{"type":"json_schema","json_schema":{"name":"a"}})", "response_format.json_schema.schema"},
      {R"(,"logit_bias":{"abc":1})", "logit_bias.abc"},
      {R"(,"logit_bias":{"-3":1})", "logit_bias.-3"},
      {R"(,"logit_bias":{"5":101})", "logit_bias.5"},
      {R"(,"logit_bias":{"5":"x"})", "logit_bias.5"},
      {R"(,"logit_bias":[1])", "logit_bias"},
      {R"(,"thinking_budget":0)", "thinking_budget"},
      {R"(,"reasoning_effort":"max")", "reasoning_effort"},
      {R"(,"reasoning_effort":"low","thinking_budget":5)", "reasoning_effort"},
      {R"(,"chat_template_kwargs":{"enable_thinking":false})", "chat_template_kwargs.enable_thinking"},
      {R"(,"chat_template_kwargs":{"tools_in_user_message":true})", "chat_template_kwargs.tools_in_user_message"},
      {R"(,"chat_template_kwargs":{"add_vision_id":"yes"})", "chat_template_kwargs.add_vision_id"},
      {R"(,"chat_template_kwargs":{"thinking_budget":3},"thinking_budget":3)", "chat_template_kwargs.thinking_budget"},
      {R"(,"parallel_tool_calls":"no")", "parallel_tool_calls"},
      {R"(,"tool_choice":"required")", "tool_choice"},
      {weather_tool + R"(,"tool_choice":{"type":"function","function":{"name":"other"}})",
       "tool_choice.function.name"},
      {R"(,"functions":[])", "functions"},
      {R"(,"modalities":["text","audio"])", "modalities"},
  };
  for (const auto& [extra, param] : cases) EXPECT_EQ(param_of(body(extra)), param) << extra;
}

TEST(ChatRequestOutput, LogitBiasOver300EntriesIsRefused) {
  std::string bias;
  for (int i = 0; i < 301; ++i) bias += (i ? "," : "") + ("\"" + std::to_string(i) + "\":1");
  EXPECT_EQ(param_of(body(",\"logit_bias\":{" + bias + "}")), "logit_bias");
}

TEST(ChatRequestOutput, NamedAndRequiredToolChoicesWithTheirToolsAreAccepted) {
  EXPECT_EQ(param_of(body(weather_tool + R"(,"tool_choice":"required")")), "<accepted>");
  EXPECT_EQ(param_of(body(weather_tool + R"(,"tool_choice":{"type":"function","function":{"name":"get_weather"}})")),
            "<accepted>");
}
