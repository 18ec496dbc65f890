#include <gtest/gtest.h>

#include "config/json.hpp"
#include "http/completion_json.hpp"

using namespace vlserve;
using namespace vlserve::http;

namespace {

completion_context ctx() { return {"chatcmpl-s1", 1700000000, "qwen3-vl", false}; }

rapidjson::Document parse(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.c_str());
  EXPECT_FALSE(d.HasParseError()) << s;
  return d;
}

}  // namespace

TEST(ChunkJson, FirstChunkHasRoleAndHeader) {
  actors::stream_event ev;
  ev.role = "assistant";
  ev.reasoning = "think";
  const auto d = parse(chunk_json(ev, ctx()));
  EXPECT_STREQ(d["id"].GetString(), "chatcmpl-s1");
  EXPECT_STREQ(d["object"].GetString(), "chat.completion.chunk");
  EXPECT_EQ(d["created"].GetInt64(), 1700000000);
  EXPECT_STREQ(d["model"].GetString(), "qwen3-vl");
  const auto& choice = d["choices"][0];
  EXPECT_EQ(choice["index"].GetInt(), 0);
  EXPECT_STREQ(choice["delta"]["role"].GetString(), "assistant");
  EXPECT_STREQ(choice["delta"]["reasoning_content"].GetString(), "think");
  EXPECT_STREQ(choice["delta"]["content"].GetString(), "");
  EXPECT_TRUE(choice["finish_reason"].IsNull());
  EXPECT_TRUE(choice["logprobs"].IsNull());
}

TEST(ChunkJson, ContentDeltaAndFinish) {
  actors::stream_event ev;
  ev.content = "Paris \"quoted\"\n";
  ev.finish_reason = actors::finish::stop;
  const auto d = parse(chunk_json(ev, ctx()));
  const auto& delta = d["choices"][0]["delta"];
  EXPECT_FALSE(delta.HasMember("role"));
  EXPECT_FALSE(delta.HasMember("reasoning_content"));
  EXPECT_STREQ(delta["content"].GetString(), "Paris \"quoted\"\n");
  EXPECT_STREQ(d["choices"][0]["finish_reason"].GetString(), "stop");
}

TEST(ChunkJson, UsageChunkHasEmptyChoices) {
  actors::stream_event ev;
  ev.usage_only = true;
  ev.usage = {10, 4, 3};
  const auto d = parse(chunk_json(ev, ctx()));
  EXPECT_EQ(d["choices"].Size(), 0u);
  EXPECT_EQ(d["usage"]["prompt_tokens"].GetInt(), 10);
  EXPECT_EQ(d["usage"]["completion_tokens"].GetInt(), 4);
  EXPECT_EQ(d["usage"]["total_tokens"].GetInt(), 14);
  EXPECT_EQ(d["usage"]["completion_tokens_details"]["reasoning_tokens"].GetInt(), 3);
}

TEST(ChunkJson, ErrorEvent) {
  actors::stream_event ev;
  ev.error = actors::failure::generation_failed;
  ev.error_message = "engine failed";
  ev.finish_reason = actors::finish::error;
  const auto d = parse(chunk_json(ev, ctx()));
  EXPECT_STREQ(d["error"]["message"].GetString(), "engine failed");
  EXPECT_STREQ(d["error"]["type"].GetString(), "server_error");
  EXPECT_STREQ(d["error"]["code"].GetString(), "generation_failed") << "the same body as an error before the stream";
  EXPECT_FALSE(d.HasMember("choices"));
}

TEST(ChunkJson, ToolCallsAndLogprobs) {
  actors::stream_event ev;
  ev.tool_calls.push_back({1, "call_x", "get_weather", "{\"city\":\"Paris\"}"});
  ev.logprobs.push_back({"Hi", -0.5f, {"Hi", "\xc3\xa9"}, {-0.5f, -1.5f}});
  auto c = ctx();
  c.want_logprobs = true;
  const auto d = parse(chunk_json(ev, c));
  const auto& call = d["choices"][0]["delta"]["tool_calls"][0];
  EXPECT_EQ(call["index"].GetInt(), 1);
  EXPECT_STREQ(call["id"].GetString(), "call_x");
  EXPECT_STREQ(call["type"].GetString(), "function");
  EXPECT_STREQ(call["function"]["name"].GetString(), "get_weather");
  EXPECT_STREQ(call["function"]["arguments"].GetString(), "{\"city\":\"Paris\"}");
  const auto& lp = d["choices"][0]["logprobs"]["content"][0];
  EXPECT_STREQ(lp["token"].GetString(), "Hi");
  EXPECT_NEAR(lp["logprob"].GetDouble(), -0.5, 1e-6);
  EXPECT_EQ(lp["top_logprobs"].Size(), 2u);
  ASSERT_EQ(lp["bytes"].Size(), 2u);
  EXPECT_EQ(lp["bytes"][0].GetInt(), 'H');
  EXPECT_EQ(lp["bytes"][1].GetInt(), 'i');
  const auto& alt = lp["top_logprobs"][1]["bytes"];  // "é" is two UTF-8 bytes
  ASSERT_EQ(alt.Size(), 2u);
  EXPECT_EQ(alt[0].GetInt(), 0xc3);
  EXPECT_EQ(alt[1].GetInt(), 0xa9);
}

TEST(CompletionJson, AggregatesTheLog) {
  std::vector<actors::stream_event> events(4);
  events[0].role = "assistant";
  events[0].reasoning = "Let me ";
  events[1].reasoning = "think.";
  events[2].content = "Paris.";
  events[3].finish_reason = actors::finish::length;
  events[3].usage = {20, 3, 2};
  const auto d = parse(completion_json(events, ctx()));
  EXPECT_STREQ(d["object"].GetString(), "chat.completion");
  const auto& msg = d["choices"][0]["message"];
  EXPECT_STREQ(msg["role"].GetString(), "assistant");
  EXPECT_STREQ(msg["content"].GetString(), "Paris.");
  EXPECT_STREQ(msg["reasoning_content"].GetString(), "Let me think.");
  EXPECT_STREQ(d["choices"][0]["finish_reason"].GetString(), "length");
  EXPECT_EQ(d["usage"]["total_tokens"].GetInt(), 23);
}

TEST(CompletionJson, ToolCallsMakeContentNull) {
  std::vector<actors::stream_event> events(2);
  events[0].tool_calls.push_back({0, "call_1", "f", "{}"});
  events[1].finish_reason = actors::finish::tool_calls;
  const auto d = parse(completion_json(events, ctx()));
  EXPECT_TRUE(d["choices"][0]["message"]["content"].IsNull());
  EXPECT_EQ(d["choices"][0]["message"]["tool_calls"].Size(), 1u);
}

TEST(ChunkJson, AChunkNamesItsChoice) {
  actors::stream_event ev;
  ev.content = "b";
  ev.choice = 2;
  const auto d = parse(chunk_json(ev, ctx()));
  EXPECT_EQ(d["choices"].Size(), 1u);
  EXPECT_EQ(d["choices"][0]["index"].GetInt(), 2);
}

TEST(CompletionJson, InterleavedChoicesBecomeOneMessageEachWithSummedUsage) {
  std::vector<actors::stream_event> events(6);
  events[0].content = "A1";
  events[1].choice = 1, events[1].content = "B1", events[1].reasoning = "hm";
  events[2].content = "A2";
  events[3].choice = 1, events[3].finish_reason = actors::finish::length, events[3].usage = {20, 4, 1, 8};
  events[3].logprobs.push_back({"B1", -0.5f, {}, {}});
  events[4].finish_reason = actors::finish::stop, events[4].usage = {20, 2, 0, 8};
  events[5].usage_only = true, events[5].usage = {20, 6, 1, 8};
  auto c = ctx();
  c.want_logprobs = true;
  const auto d = parse(completion_json(events, c));
  ASSERT_EQ(d["choices"].Size(), 2u);
  EXPECT_EQ(d["choices"][0]["index"].GetInt(), 0);
  EXPECT_STREQ(d["choices"][0]["message"]["content"].GetString(), "A1A2");
  EXPECT_STREQ(d["choices"][0]["finish_reason"].GetString(), "stop");
  EXPECT_EQ(d["choices"][0]["logprobs"]["content"].Size(), 0u);
  EXPECT_EQ(d["choices"][1]["index"].GetInt(), 1);
  EXPECT_STREQ(d["choices"][1]["message"]["content"].GetString(), "B1");
  EXPECT_STREQ(d["choices"][1]["message"]["reasoning_content"].GetString(), "hm");
  EXPECT_STREQ(d["choices"][1]["finish_reason"].GetString(), "length");
  EXPECT_EQ(d["choices"][1]["logprobs"]["content"].Size(), 1u);
  EXPECT_EQ(d["usage"]["prompt_tokens"].GetInt(), 20);
  EXPECT_EQ(d["usage"]["completion_tokens"].GetInt(), 6);
  EXPECT_EQ(d["usage"]["total_tokens"].GetInt(), 26);
  EXPECT_EQ(d["usage"]["prompt_tokens_details"]["cached_tokens"].GetInt(), 8);
  EXPECT_EQ(d["usage"]["completion_tokens_details"]["reasoning_tokens"].GetInt(), 1);
}
