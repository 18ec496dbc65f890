// parse_chat_request on valid bodies of every shape the OpenAI API allows.
#include "http/chat_request_parser.hpp"

#include <gtest/gtest.h>

using vlserve::http::parse_chat_request;
using namespace vlserve::model;

namespace {

const std::vector<content_part>& parts_of(const chat_message& m) {
  return std::get<std::vector<content_part>>(m.content);
}

}  // namespace

TEST(ChatRequest, MinimalBodyLeavesEveryOptionUnset) {
  const chat_request r = parse_chat_request(R"({"messages":[{"role":"user","content":"hi"}]})");
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].role, chat_role::user);
  EXPECT_EQ(std::get<std::string>(r.messages[0].content), "hi");
  EXPECT_FALSE(r.model || r.max_tokens || r.temperature || r.top_p || r.top_k || r.min_p ||
               r.presence_penalty || r.frequency_penalty || r.repetition_penalty || r.seed ||
               r.top_logprobs || r.user || r.session_id);
  EXPECT_FALSE(r.stream);
  EXPECT_FALSE(r.include_usage);
  EXPECT_FALSE(r.logprobs);
  EXPECT_TRUE(r.stop.empty());
  EXPECT_TRUE(r.tools.empty());
  EXPECT_EQ(r.tool_choice, tool_choice_mode::unset);
}

TEST(ChatRequest, ReadsEveryScalarField) {
  const chat_request r = parse_chat_request(R"({
    "model": "qwen3-vl", "stream": true, "stream_options": {"include_usage": true},
    "max_tokens": 100, "temperature": 0.7, "top_p": 0.95, "top_k": 20, "min_p": 0.05,
    "presence_penalty": -1.5, "frequency_penalty": 2, "repetition_penalty": 1.1,
    "seed": -42, "stop": ["\n\n", "END"], "n": 3, "logprobs": true, "top_logprobs": 20,
    "user": "u-1", "session_id": "sess-9",
    "messages": [{"role": "user", "content": "x"}]})");
  EXPECT_EQ(r.model, "qwen3-vl");
  EXPECT_TRUE(r.stream);
  EXPECT_TRUE(r.include_usage);
  EXPECT_EQ(r.max_tokens, 100);
  EXPECT_DOUBLE_EQ(*r.temperature, 0.7);
  EXPECT_DOUBLE_EQ(*r.top_p, 0.95);
  EXPECT_EQ(r.top_k, 20);
  EXPECT_DOUBLE_EQ(*r.min_p, 0.05);
  EXPECT_DOUBLE_EQ(*r.presence_penalty, -1.5);
  EXPECT_DOUBLE_EQ(*r.frequency_penalty, 2.0);
  EXPECT_DOUBLE_EQ(*r.repetition_penalty, 1.1);
  EXPECT_EQ(r.seed, -42);
  EXPECT_EQ(r.stop, (std::vector<std::string>{"\n\n", "END"}));
  EXPECT_EQ(r.n, 3);
  EXPECT_TRUE(r.logprobs);
  EXPECT_EQ(r.top_logprobs, 20);
  EXPECT_EQ(r.user, "u-1");
  EXPECT_EQ(r.session_id, "sess-9");
}

TEST(ChatRequest, NullMeansAbsent) {
  const chat_request r = parse_chat_request(R"({"messages":[{"role":"user","content":"x"}],
    "temperature": null, "max_tokens": null, "stop": null, "stream": null, "tools": null,
    "tool_choice": null, "stream_options": null, "seed": null, "top_logprobs": null})");
  EXPECT_FALSE(r.temperature);
  EXPECT_FALSE(r.max_tokens);
  EXPECT_FALSE(r.seed);
  EXPECT_TRUE(r.stop.empty());
  EXPECT_FALSE(r.stream);
}

TEST(ChatRequest, MaxCompletionTokensWinsOverMaxTokens) {
  const chat_request r = parse_chat_request(
      R"({"max_completion_tokens": 7, "max_tokens": 9, "messages":[{"role":"user","content":"x"}]})");
  EXPECT_EQ(r.max_tokens, 7);
}

TEST(ChatRequest, StopMayBeOneString) {
  const chat_request r =
      parse_chat_request(R"({"stop": "###", "messages":[{"role":"user","content":"x"}]})");
  EXPECT_EQ(r.stop, std::vector<std::string>{"###"});
}

TEST(ChatRequest, ContentPartsInEveryForm) {
  const chat_request r = parse_chat_request(R"({"messages":[{"role":"user","content":[
    {"type":"text","text":"a"},
    {"type":"image_url","image_url":{"url":"https://h/1.png","detail":"high"}},
    {"type":"image_url","image_url":"https://h/2.png"},
    {"type":"video_url","video_url":{"url":"data:video/mp4;base64,AAAA"}},
    {"type":"video_url","video_url":"https://h/v.mp4"},
    {"type":"image","image":"https://h/3.png"},
    {"type":"image","url":"https://h/4.png"},
    {"type":"video","video":"https://h/v2.mp4"},
    {"type":"video","url":"https://h/v3.mp4"}]}]})");
  const auto& p = parts_of(r.messages[0]);
  ASSERT_EQ(p.size(), 9u);
  EXPECT_EQ(p[0].kind, part_kind::text);
  EXPECT_EQ(p[0].text, "a");
  const std::vector<std::pair<part_kind, std::string>> media = {
      {part_kind::image, "https://h/1.png"},
      {part_kind::image, "https://h/2.png"},
      {part_kind::video, "data:video/mp4;base64,AAAA"},
      {part_kind::video, "https://h/v.mp4"},
      {part_kind::image, "https://h/3.png"},
      {part_kind::image, "https://h/4.png"},
      {part_kind::video, "https://h/v2.mp4"},
      {part_kind::video, "https://h/v3.mp4"}};
  for (std::size_t i = 0; i < media.size(); ++i) {
    EXPECT_EQ(p[i + 1].kind, media[i].first) << i;
    EXPECT_EQ(p[i + 1].url, media[i].second) << i;
  }
}

TEST(ChatRequest, AssistantTurnsWithReasoningAndToolCalls) {
  const chat_request r = parse_chat_request(R"({"messages":[
    {"role":"developer","content":[{"type":"text","text":"be brief"}]},
    {"role":"user","content":"weather?"},
    {"role":"assistant","content":null,"reasoning_content":"need a tool","tool_calls":[
      {"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Oslo\"}"}},
      {"id":"c2","function":{"name":"get_time","arguments":{"tz":"CET","n":1.5}}},
      {"id":"c3","function":{"name":"noop"}}]},
    {"role":"tool","tool_call_id":"c1","name":"get_weather","content":"cold"},
    {"role":"assistant"}]})");
  ASSERT_EQ(r.messages.size(), 5u);
  EXPECT_EQ(r.messages[0].role, chat_role::system);
  const chat_message& a = r.messages[2];
  EXPECT_EQ(a.role, chat_role::assistant);
  EXPECT_EQ(std::get<std::string>(a.content), "");
  EXPECT_EQ(a.reasoning_content, "need a tool");
  ASSERT_EQ(a.tool_calls.size(), 3u);
  EXPECT_EQ(a.tool_calls[0].id, "c1");
  EXPECT_EQ(a.tool_calls[0].name, "get_weather");
  EXPECT_EQ(a.tool_calls[0].arguments, "{\"city\": \"Oslo\"}");
  EXPECT_TRUE(a.tool_calls[0].arguments_is_text);
  EXPECT_EQ(a.tool_calls[1].arguments, "{\"tz\":\"CET\",\"n\":1.5}");
  EXPECT_FALSE(a.tool_calls[1].arguments_is_text);
  EXPECT_EQ(a.tool_calls[2].arguments, "{}");
  EXPECT_EQ(r.messages[3].role, chat_role::tool);
  EXPECT_EQ(r.messages[3].tool_call_id, "c1");
  EXPECT_EQ(r.messages[3].name, "get_weather");
  EXPECT_FALSE(r.messages[4].reasoning_content);
}

TEST(ChatRequest, ToolsKeepTheirJsonAndKeyOrder) {
  const chat_request r = parse_chat_request(R"({"messages":[{"role":"user","content":"x"}],
    "tools":[{"type":"function","function":{"name":"f","parameters":{"z":1,"a":{"b":[true,null]}}}}],
    "tool_choice":{"type":"function","function":{"name":"f"}}})");
  ASSERT_EQ(r.tools.size(), 1u);
  EXPECT_EQ(
      r.tools[0].json,
      R"({"type":"function","function":{"name":"f","parameters":{"z":1,"a":{"b":[true,null]}}}})");
  EXPECT_EQ(r.tool_choice, tool_choice_mode::function);
  EXPECT_EQ(r.tool_choice_function, "f");
}

TEST(ChatRequest, ToolChoiceStrings) {
  const std::pair<const char*, tool_choice_mode> modes[] = {
      {"none", tool_choice_mode::none},
      {"auto", tool_choice_mode::auto_},
      {"required", tool_choice_mode::required}};
  for (const auto& [text, mode] : modes) {
    const std::string body =
        std::string(R"({"messages":[{"role":"user","content":"x"}],"tool_choice":")") + text +
        R"(","tools":[{"type":"function","function":{"name":"f"}}]})";
    EXPECT_EQ(parse_chat_request(body).tool_choice, mode) << text;
  }
}

TEST(ChatRequest, BoundaryValuesAreAccepted) {
  const chat_request r = parse_chat_request(R"({"messages":[{"role":"user","content":"x"}],
    "temperature": 0, "top_p": 1, "top_k": -1, "min_p": 1, "top_logprobs": 0, "max_tokens": 1})");
  EXPECT_DOUBLE_EQ(*r.temperature, 0.0);
  EXPECT_DOUBLE_EQ(*r.top_p, 1.0);
  EXPECT_EQ(r.top_k, -1);
  EXPECT_EQ(r.top_logprobs, 0);
  const chat_request hot =
      parse_chat_request(R"({"messages":[{"role":"user","content":"x"}], "temperature": 2.0})");
  EXPECT_DOUBLE_EQ(*hot.temperature, 2.0);
}
