// Issue 12 end to end, through the real binary and the fixture model (random weights: only the
// constraint can make its output valid): JSON schemas, forced tool calls, logit_bias and the
// thinking budget, plus the 400s for what the server cannot honour.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "config/json.hpp"
#include "model/tokenizer/tokenizer.hpp"
#include "tests/e2e/e2e_server.hpp"
#include "tests/grammar/schema_check.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"

using namespace vlserve::testing;

namespace {

std::string ask(const std::string& body) {
  return R"({"messages":[{"role":"user","content":"Describe a pet."}],)" + body + "}";
}

class StructuredOutput : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new e2e_server(fresh_dir("structured_db"), {{"REASONING_EFFORT_BUDGETS", "low=24,medium=48,high=96"}},
                             "structured_output.log");
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static rapidjson::Document complete(const std::string& body) {
    const auto r = http_request(server_->port(), "POST", "/v1/chat/completions", body, {}, 60000);
    if (r.status != 200) throw std::runtime_error(std::to_string(r.status) + ": " + r.body);
    return parse_object(r.body);
  }
  // Runs `make_body(i)` for i in [0, n) on 8 client threads; `check(i, reply)` on each reply.
  template <class Make, class Check>
  static void many(int n, Make make_body, Check check) {
    std::atomic<int> next{0};
    std::vector<std::thread> clients;
    std::vector<std::string> problems(static_cast<std::size_t>(n));
    for (int t = 0; t < 8; ++t)
      clients.emplace_back([&] {
        for (int i = next++; i < n; i = next++) {
          try {
            problems[std::size_t(i)] = check(i, complete(make_body(i)));
          } catch (const std::exception& e) {
            problems[std::size_t(i)] = e.what();
          }
        }
      });
    for (auto& c : clients) c.join();
    for (int i = 0; i < n; ++i) EXPECT_EQ(problems[std::size_t(i)], "") << "request " << i;
  }
  static e2e_server* server_;
};
e2e_server* StructuredOutput::server_ = nullptr;

const char* const schemas[] = {
    // nested objects, enums, integer ranges
    R"({"type":"object","properties":{"kind":{"enum":["cat","dog","bird"]},"age":{"type":"integer","minimum":1,"maximum":25},
       "owner":{"type":"object","properties":{"id":{"type":"integer","minimum":100,"maximum":999},"vip":{"type":"boolean"}},
       "required":["id","vip"],"additionalProperties":false}},"required":["kind","age","owner"],"additionalProperties":false})",
    // arrays with bounds, anyOf, a number range
    R"({"type":"object","properties":{"scores":{"type":"array","items":{"anyOf":[{"type":"integer","minimum":-5,"maximum":5},
       {"type":"null"}]},"minItems":2,"maxItems":4},"ratio":{"type":"number","minimum":0,"maximum":1}},
       "required":["scores","ratio"],"additionalProperties":false})",
    // $defs and recursion, const
    R"({"type":"object","properties":{"root":{"$ref":"#/$defs/node"}},"required":["root"],"additionalProperties":false,
       "$defs":{"node":{"type":"object","properties":{"v":{"const":"leaf"},"next":{"anyOf":[{"$ref":"#/$defs/node"},{"type":"null"}]}},
       "required":["v","next"],"additionalProperties":false}}})",
};

const std::string weather_tools =
    R"("tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"unit":{"enum":["c","f"]},"days":{"type":"integer","minimum":1,"maximum":7}},"required":["unit","days"],"additionalProperties":false}}},)"
    R"({"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{"utc_offset":{"type":"integer","minimum":-12,"maximum":14}},"required":["utc_offset"],"additionalProperties":false}}}])";

}  // namespace

// The three schemas interleave, so one batch holds sequences under different grammars (each
// sequence decoder owns its matcher) next to each other.
TEST_F(StructuredOutput, EveryCompletionOfEverySchemaParsesAndValidates) {
  constexpr int per_schema = 100;
  many(
      3 * per_schema,
      [&](int i) {
        return ask(R"("temperature":1,"seed":)" + std::to_string(i) + R"(,"max_tokens":160,"thinking_budget":1,)"
                   R"("response_format":{"type":"json_schema","json_schema":{"name":"pet","strict":true,"schema":)" +
                   std::string(schemas[i % 3]) + "}}");
      },
      [&](int i, const rapidjson::Document& r) -> std::string {
        const auto& choice = r["choices"][0];
        if (std::string(choice["finish_reason"].GetString()) != "stop")
          return std::string("finish_reason ") + choice["finish_reason"].GetString();
        const std::string content = choice["message"]["content"].GetString();
        return schema_violation(content, schemas[i % 3]);
      });
}

TEST_F(StructuredOutput, JsonObjectAnswersAreObjects) {
  std::atomic<int> stopped{0};
  many(
      16, [](int i) { return ask(R"("seed":)" + std::to_string(i) + R"(,"max_tokens":400,"thinking_budget":1,"response_format":{"type":"json_object"})"); },
      [&](int, const rapidjson::Document& r) -> std::string {
        const auto& choice = r["choices"][0];
        if (std::string(choice["finish_reason"].GetString()) != "stop") return "";  // cut by max_tokens
        ++stopped;
        return schema_violation(choice["message"]["content"].GetString(), R"({"type":"object"})");
      });
  EXPECT_GE(stopped.load(), 8) << "most free objects should close within 400 tokens";
}

TEST_F(StructuredOutput, ForcedToolCallsNameAnAllowedToolWithValidArguments) {
  const std::string args_schema[] = {
      R"({"type":"object","properties":{"unit":{"enum":["c","f"]},"days":{"type":"integer","minimum":1,"maximum":7}},"required":["unit","days"],"additionalProperties":false})",
      R"({"type":"object","properties":{"utc_offset":{"type":"integer","minimum":-12,"maximum":14}},"required":["utc_offset"],"additionalProperties":false})"};
  const std::string choices[] = {R"("required")", R"({"type":"function","function":{"name":"get_time"}})"};
  for (int c = 0; c < 2; ++c) {
    many(
        20,
        [&](int i) {
          return ask(R"("seed":)" + std::to_string(i) + R"(,"max_tokens":120,"thinking_budget":2,"parallel_tool_calls":false,)" +
                     weather_tools + R"(,"tool_choice":)" + choices[c]);
        },
        [&](int, const rapidjson::Document& r) -> std::string {
          const auto& choice = r["choices"][0];
          if (std::string(choice["finish_reason"].GetString()) != "tool_calls")
            return std::string("finish_reason ") + choice["finish_reason"].GetString();
          const auto& calls = choice["message"]["tool_calls"];
          if (calls.Size() != 1) return "parallel_tool_calls false gave " + std::to_string(calls.Size()) + " calls";
          const std::string name = calls[0]["function"]["name"].GetString();
          if (c == 1 && name != "get_time") return "named get_time, got " + name;
          if (name != "get_weather" && name != "get_time") return "unknown tool " + name;
          return schema_violation(calls[0]["function"]["arguments"].GetString(), args_schema[name == "get_time"]);
        });
  }
}

TEST_F(StructuredOutput, LogitBiasBansAndForcesTokens) {
  const auto tok = vlserve::model::tokenizer::load(fixtures_dir() + "/qwen3vl-tiny/model/tokenizer.json");
  // +100 on one token: every sampled token is it.
  const std::int32_t forced = 9707;
  const std::string forced_text = tok.decode({forced});
  for (int seed = 0; seed < 4; ++seed) {
    const auto r = complete(ask(R"("seed":)" + std::to_string(seed) + R"(,"max_tokens":8,"logprobs":true,"logit_bias":{")" +
                                std::to_string(forced) + R"(":100})"));
    const auto& lp = r["choices"][0]["logprobs"]["content"];
    ASSERT_EQ(lp.Size(), 8u);
    for (const auto& t : lp.GetArray()) EXPECT_EQ(t["token"].GetString(), forced_text);
  }
  // −100 on every token the greedy answer used: none of them comes back, greedy or sampled.
  const auto greedy = complete(ask(R"("temperature":0,"max_tokens":12,"logprobs":true)"));
  std::string bias;
  std::set<std::string> banned;
  for (const auto& t : greedy["choices"][0]["logprobs"]["content"].GetArray()) {
    const auto ids = tok.encode(t["token"].GetString());
    if (ids.size() != 1 || !banned.insert(t["token"].GetString()).second) continue;
    bias += (bias.empty() ? "\"" : ",\"") + std::to_string(ids[0]) + "\":-100";
  }
  ASSERT_FALSE(banned.empty());
  for (const std::string sampling : {R"("temperature":0)", R"("temperature":1,"seed":3)"}) {
    const auto r = complete(ask(sampling + R"(,"max_tokens":12,"logprobs":true,"logit_bias":{)" + bias + "}"));
    for (const auto& t : r["choices"][0]["logprobs"]["content"].GetArray())
      EXPECT_EQ(banned.count(t["token"].GetString()), 0u) << t["token"].GetString();
  }
}

TEST_F(StructuredOutput, ToolChoiceNoneBansTheToolCallToken) {
  // Even a client's +100 on <tool_call> (151657) cannot open a call under tool_choice "none".
  const auto r = complete(ask(R"("seed":5,"max_tokens":12,"logprobs":true,"logit_bias":{"151657":100},)" +
                              weather_tools + R"(,"tool_choice":"none")"));
  const auto& choice = r["choices"][0];
  EXPECT_STRNE(choice["finish_reason"].GetString(), "tool_calls");
  for (const auto& t : choice["logprobs"]["content"].GetArray()) EXPECT_STRNE(t["token"].GetString(), "<tool_call>");
  // The same bias under "auto" does produce the token: the check above can fail.
  const auto forced = complete(ask(R"("seed":5,"max_tokens":4,"logprobs":true,"logit_bias":{"151657":100},)" +
                                   weather_tools + R"(,"tool_choice":"auto")"));
  EXPECT_STREQ(forced["choices"][0]["logprobs"]["content"][0]["token"].GetString(), "<tool_call>");
}

TEST_F(StructuredOutput, ThinkingBudgetStopsReasoningAndAnAnswerFollows) {
  const std::pair<std::string, int> cases[] = {{R"("thinking_budget":5)", 5},
                                               {R"("thinking_budget":40)", 40},
                                               {R"("chat_template_kwargs":{"thinking_budget":30})", 30},
                                               {R"("reasoning_effort":"low")", 24}};
  for (const auto& [field, budget] : cases) {
    SCOPED_TRACE(field);
    const auto r = complete(ask(R"("seed":1,"max_tokens":70,)" + field));
    const auto& usage = r["usage"];
    EXPECT_EQ(usage["completion_tokens_details"]["reasoning_tokens"].GetInt(), budget);
    EXPECT_EQ(usage["completion_tokens"].GetInt(), 70);
    const auto& msg = r["choices"][0]["message"];
    EXPECT_TRUE(msg["content"].IsString() && msg["content"].GetStringLength() > 0) << "the answer follows";
    if (budget >= 30)
      EXPECT_NE(std::string(msg["reasoning_content"].GetString()).find("Considering the limited time by the user"),
                std::string::npos);
  }
}

TEST_F(StructuredOutput, WhatCannotBeHonouredIsA400NamingTheParam) {
  const std::pair<std::string, std::string> cases[] = {
      {R"("response_format":{"type":"banana"})", "response_format.type"},
      {R"("response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object","properties":{"a":{"type":"string","format":"email"}}}}})",
       "response_format.json_schema.schema.properties.a.format"},
      {R"("logit_bias":{"151700":5})", "logit_bias.151700"},
      {R"("tool_choice":{"type":"function","function":{"name":"nope"}},)" + weather_tools, "tool_choice.function.name"},
      {R"("tool_choice":"required")", "tool_choice"},
      {R"("reasoning_effort":"extreme")", "reasoning_effort"},
      {R"("chat_template_kwargs":{"enable_thinking":false})", "chat_template_kwargs.enable_thinking"},
      {R"("prediction":{"type":"content","content":"x"})", "prediction"},
  };
  for (const auto& [field, param] : cases) {
    const auto r = http_request(server_->port(), "POST", "/v1/chat/completions", ask(field));
    EXPECT_EQ(r.status, 400) << field << " → " << r.body;
    const auto d = parse_object(r.body);
    ASSERT_TRUE(d["error"]["param"].IsString()) << r.body;
    EXPECT_EQ(std::string(d["error"]["param"].GetString()), param) << r.body;
  }
}

TEST_F(StructuredOutput, TheOpenAiClientGetsSchemaAnswersAndForcedToolCalls) {
  std::string node;
  std::istringstream dirs(std::getenv("PATH") ? std::getenv("PATH") : "");
  for (std::string dir; node.empty() && std::getline(dirs, dir, ':');)
    if (std::filesystem::exists(dir + "/node")) node = dir + "/node";
  ASSERT_FALSE(node.empty()) << "node is not on PATH; run scripts/setup.sh";
  const char* scripts = std::getenv("VLSERVE_NODE_SCRIPTS");
  ASSERT_NE(scripts, nullptr) << "VLSERVE_NODE_SCRIPTS is not set (run through meson test)";
  const auto dir = fresh_dir("openai_structured");
  const std::string schema = schemas[0];
  { std::ofstream(dir + "/schema.json") << schema; }
  child_process client(node, {std::string(scripts) + "/openai_structured.mjs", std::to_string(server_->port()),
                              dir + "/schema.json", dir + "/out.json"},
                       {}, dir + "/node.log");
  ASSERT_EQ(client.wait_for_exit(120000), 0) << client.log();
  const auto got = parse_object(read_text(dir + "/out.json"));
  for (const char* mode : {"schema", "schema_stream"}) {
    SCOPED_TRACE(mode);
    EXPECT_STREQ(got[mode]["finish_reason"].GetString(), "stop");
    EXPECT_EQ(schema_violation(got[mode]["content"].GetString(), schema), "");
  }
  for (const char* mode : {"tool", "tool_stream"}) {
    SCOPED_TRACE(mode);
    EXPECT_STREQ(got[mode]["finish_reason"].GetString(), "tool_calls");
    const auto& calls = got[mode]["tool_calls"];
    ASSERT_EQ(calls.Size(), 1u);
    EXPECT_STREQ(calls[0]["function"]["name"].GetString(), "get_weather");
    EXPECT_EQ(schema_violation(calls[0]["function"]["arguments"].GetString(), schema), "");
  }
}
