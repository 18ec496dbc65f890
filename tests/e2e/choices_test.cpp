// n > 1 through the real server (MAX_BATCH=4): one chat.completion with n choices and summed
// usage; a stream whose choices interleave under one id sequence and one [DONE]; seeded choices
// that replay; a resume that returns exactly the missed interleaved events; the official `openai`
// npm client reading two choices; cancel ending every choice; each choice held to the
// response_format by its own matcher; n beyond MAX_BATCH refused with param "n".
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "config/json.hpp"
#include "tests/e2e/e2e_server.hpp"
#include "tests/support/http_client.hpp"

using namespace vlserve::testing;

namespace {

std::string sampled_request(int n, int max_tokens, const std::string& session_id, bool stream) {
  auto body = with_field(fixture_request("text_single"), "max_tokens", std::to_string(max_tokens));
  body = with_field(body, "temperature", "1");
  body = with_field(body, "seed", "11");
  body = with_field(body, "n", std::to_string(n));
  if (stream) {
    body = with_field(body, "stream", "true");
    body = with_field(body, "stream_options", R"({"include_usage":true})");
  }
  return with_field(body, "session_id", "\"" + session_id + "\"");
}

std::string text_of(const rapidjson::Value& v, const char* key) {
  return v.HasMember(key) && v[key].IsString() ? v[key].GetString() : "";
}

// What a stream told about each choice, and the checks every n > 1 stream must pass.
struct stream_summary {
  std::map<int, std::string> text;  // reasoning + "|" + content
  std::map<int, std::string> finish;
  std::map<int, int> roles;
  std::vector<int> order;  // choice index of each non-usage chunk
  int64_t completion_tokens = -1, prompt_tokens = -1;
};

stream_summary summarize(const std::vector<sse_event>& events, const std::string& session) {
  stream_summary s;
  std::map<int, std::string> reasoning, content;
  EXPECT_FALSE(events.empty());
  if (events.empty()) return s;
  EXPECT_EQ(events.back().data, "[DONE]");
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    // One id sequence for the whole session, whichever choice an event belongs to.
    EXPECT_EQ(events[i].id, session + ":" + std::to_string(i));
    EXPECT_NE(events[i].data, "[DONE]") << "a second [DONE] at event " << i;
    const auto d = parse_object(events[i].data);
    EXPECT_STREQ(d["object"].GetString(), "chat.completion.chunk");
    if (d.HasMember("usage") && d["usage"].IsObject()) {
      EXPECT_EQ(i + 2, events.size()) << "usage is the last chunk";
      s.completion_tokens = d["usage"]["completion_tokens"].GetInt64();
      s.prompt_tokens = d["usage"]["prompt_tokens"].GetInt64();
      continue;
    }
    EXPECT_EQ(d["choices"].Size(), 1u);
    const auto& c = d["choices"][0];
    const int index = c["index"].GetInt();
    s.order.push_back(index);
    EXPECT_FALSE(s.finish.count(index)) << "choice " << index << " continues after its finish_reason";
    if (c["delta"].HasMember("role")) ++s.roles[index];
    reasoning[index] += text_of(c["delta"], "reasoning_content");
    content[index] += text_of(c["delta"], "content");
    if (c["finish_reason"].IsString()) s.finish[index] = c["finish_reason"].GetString();
  }
  for (const auto& [index, r] : reasoning) s.text[index] = r + "|" + content[index];
  return s;
}

class Choices : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new e2e_server(fresh_dir("choices_db"), {{"MAX_BATCH", "4"}, {"PREFIX_CACHE_BYTES", "0"}}, "choices.log");
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static uint16_t port() { return server_->port(); }
  static e2e_server* server_;
};
e2e_server* Choices::server_ = nullptr;

TEST_F(Choices, JsonAndStreamCarryEveryChoiceAndTheyReplayFromTheSeed) {
  const auto whole = http_request(port(), "POST", "/v1/chat/completions", sampled_request(3, 12, "n-json", false));
  ASSERT_EQ(whole.status, 200) << whole.body;
  const auto d = parse_object(whole.body);
  ASSERT_EQ(d["choices"].Size(), 3u);
  std::map<int, std::string> json_text;
  for (rapidjson::SizeType i = 0; i < 3; ++i) {
    const auto& c = d["choices"][i];
    EXPECT_EQ(c["index"].GetInt(), int(i));
    EXPECT_STREQ(c["message"]["role"].GetString(), "assistant");
    EXPECT_TRUE(c["finish_reason"].IsString());
    json_text[int(i)] = text_of(c["message"], "reasoning_content") + "|" + text_of(c["message"], "content");
  }
  EXPECT_FALSE(json_text[0] == json_text[1] && json_text[1] == json_text[2]) << "three identical samples";

  // A single completion reports the prompt; n choices report it once and add their tokens.
  const auto one = http_request(port(), "POST", "/v1/chat/completions", sampled_request(1, 12, "n-one", false));
  ASSERT_EQ(one.status, 200) << one.body;
  const auto o = parse_object(one.body);
  EXPECT_EQ(d["usage"]["prompt_tokens"].GetInt(), o["usage"]["prompt_tokens"].GetInt());
  // Choice 0 keeps the request's seed: it is the single completion.
  EXPECT_EQ(json_text[0], text_of(o["choices"][0]["message"], "reasoning_content") + "|" +
                              text_of(o["choices"][0]["message"], "content"));

  sse_stream s(port(), "POST", "/v1/chat/completions", sampled_request(3, 12, "n-sse", true));
  ASSERT_EQ(s.status(), 200);
  const auto summary = summarize(s.rest(), "n-sse");
  ASSERT_EQ(summary.text.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(summary.roles.at(i), 1) << "choice " << i;
    EXPECT_EQ(summary.finish.count(i), 1u) << "choice " << i;
    EXPECT_EQ(summary.text.at(i), json_text[i]) << "choice " << i << " did not replay from the seed";
  }
  // Interleaved: choice 1 speaks before choice 0 has finished.
  const auto last0 = std::find(summary.order.rbegin(), summary.order.rend(), 0);
  const auto first1 = std::find(summary.order.begin(), summary.order.end(), 1);
  ASSERT_NE(first1, summary.order.end());
  EXPECT_LT(first1 - summary.order.begin(), summary.order.rend() - last0 - 1);
  EXPECT_EQ(summary.completion_tokens, d["usage"]["completion_tokens"].GetInt64());
  EXPECT_EQ(summary.prompt_tokens, d["usage"]["prompt_tokens"].GetInt64());
  EXPECT_GT(summary.completion_tokens, o["usage"]["completion_tokens"].GetInt64());
}

TEST_F(Choices, ResumeReturnsExactlyTheMissedInterleavedEvents) {
  const std::string id = "n-resume";
  std::vector<sse_event> got;
  {
    sse_stream s(port(), "POST", "/v1/chat/completions", sampled_request(3, 150, id, true));
    ASSERT_EQ(s.status(), 200);
    for (int i = 0; i < 9; ++i) got.push_back(s.next().value());
    s.close();
  }
  EXPECT_EQ(session_state(port(), id), "running");
  sse_stream rest(port(), "POST", "/v1/chat/completions", sampled_request(3, 150, id, true),
                  {{"Last-Event-ID", id + ":8"}});
  ASSERT_EQ(rest.status(), 200);
  for (auto& ev : rest.rest(30000)) got.push_back(std::move(ev));
  const auto summary = summarize(got, id);
  EXPECT_EQ(summary.finish.size(), 3u);

  // The joined stream is the session's log, event for event.
  sse_stream replay(port(), "GET", "/v1/sessions/" + id + "/events");
  const auto all = replay.rest();
  ASSERT_EQ(all.size(), got.size());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].id, got[i].id);
    EXPECT_EQ(all[i].data, got[i].data) << "event " << i;
  }
}

TEST_F(Choices, CancelEndsEveryChoice) {
  const std::string id = "n-cancel";
  sse_stream s(port(), "POST", "/v1/chat/completions", sampled_request(3, 400, id, true));
  ASSERT_EQ(s.status(), 200);
  std::vector<sse_event> got;
  for (int i = 0; i < 6; ++i) got.push_back(s.next().value());
  const auto r = http_request(port(), "POST", "/v1/cancel/" + id);
  EXPECT_EQ(r.status, 200) << r.body;
  for (auto& ev : s.rest(30000)) got.push_back(std::move(ev));
  const auto summary = summarize(got, id);
  ASSERT_EQ(summary.finish.size(), 3u);
  for (int c = 0; c < 3; ++c) EXPECT_EQ(summary.finish.at(c), "cancelled") << "choice " << c;
  EXPECT_EQ(session_state(port(), id), "cancelled");
}

TEST_F(Choices, EachChoiceFollowsTheResponseFormatOnItsOwn) {
  auto body = with_field(fixture_request("text_single"), "max_tokens", "400");
  body = with_field(body, "temperature", "1");
  body = with_field(body, "seed", "21");
  body = with_field(body, "thinking_budget", "1");
  body = with_field(body, "response_format", R"({"type":"json_object"})");
  const auto r = http_request(port(), "POST", "/v1/chat/completions", with_field(body, "n", "3"), {}, 60000);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto d = parse_object(r.body);
  ASSERT_EQ(d["choices"].Size(), 3u);
  std::set<std::string> answers;
  for (rapidjson::SizeType i = 0; i < 3; ++i) {
    const auto& c = d["choices"][i];
    const std::string content = text_of(c["message"], "content");
    if (text_of(c, "finish_reason") != "stop") continue;  // ran out of tokens mid-value: nothing to check
    rapidjson::Document answer;
    answer.Parse(content.c_str(), content.size());
    EXPECT_FALSE(answer.HasParseError()) << "choice " << i << ": " << content;
    EXPECT_TRUE(answer.IsObject()) << "choice " << i << ": " << content;
    answers.insert(content);
  }
  EXPECT_FALSE(answers.empty()) << r.body;
}

TEST_F(Choices, MoreChoicesThanMaxBatchAreRefused) {
  for (const char* n : {"5", "0"}) {
    const auto r = http_request(port(), "POST", "/v1/chat/completions",
                                with_field(fixture_request("text_single"), "n", n));
    EXPECT_EQ(r.status, 400) << r.body;
    const auto d = parse_object(r.body);
    EXPECT_STREQ(d["error"]["param"].GetString(), "n") << r.body;
  }
}

TEST_F(Choices, TheOpenAiClientReadsTwoChoices) {
  std::string node;
  ASSERT_NO_THROW(node = find_on_path("node")) << "node is not on PATH; run scripts/setup.sh";
  const char* scripts = std::getenv("VLSERVE_NODE_SCRIPTS");
  ASSERT_NE(scripts, nullptr) << "VLSERVE_NODE_SCRIPTS is not set (run through meson test)";
  const auto dir = fresh_dir("openai_choices");
  const auto request_path = dir + "/request.json";
  {
    auto body = with_field(fixture_request("text_single"), "max_tokens", "10");
    body = with_field(body, "temperature", "1");
    body = with_field(body, "seed", "5");
    std::ofstream(request_path) << with_field(body, "n", "2");
  }
  const auto out_path = dir + "/client.json";
  child_process client(node, {std::string(scripts) + "/openai_choices.mjs", std::to_string(port()), request_path,
                              out_path},
                       {}, dir + "/node.log");
  ASSERT_EQ(client.wait_for_exit(60000), 0) << client.log();
  const auto got = parse_object(read_text(out_path));
  const auto& whole = got["non_streaming"];
  const auto& streamed = got["streaming"];
  ASSERT_EQ(whole["choices"].Size(), 2u);
  ASSERT_EQ(streamed["choices"].Size(), 2u);
  for (rapidjson::SizeType i = 0; i < 2; ++i) {
    EXPECT_EQ(whole["choices"][i]["index"].GetInt(), int(i));
    EXPECT_EQ(streamed["choices"][i]["index"].GetInt(), int(i));
    // Same seed, same choice: the stream and the whole answer agree.
    EXPECT_STREQ(streamed["choices"][i]["text"].GetString(), whole["choices"][i]["text"].GetString());
    EXPECT_STREQ(streamed["choices"][i]["finish_reason"].GetString(), whole["choices"][i]["finish_reason"].GetString());
  }
  EXPECT_EQ(streamed["usage"]["completion_tokens"].GetInt(), whole["usage"]["completion_tokens"].GetInt());
}

}  // namespace

namespace {

// kill -9 mid-stream: after the restart each choice that had not finished ends "interrupted" once,
// so a replay of an n > 1 log still ends every choice.
TEST(ChoicesRestart, EveryUnfinishedChoiceEndsInterrupted) {
  const auto db = fresh_dir("choices_restart_db");
  const std::string id = "n-crash";
  std::vector<sse_event> received;
  {
    e2e_server first(db, {{"MAX_BATCH", "4"}}, "choices_restart_first.log");
    sse_stream s(first.port(), "POST", "/v1/chat/completions", sampled_request(3, 400, id, true));
    ASSERT_EQ(s.status(), 200);
    for (int i = 0; i < 12; ++i) received.push_back(s.next().value());
    first.kill_hard();
  }
  e2e_server second(db, {{"MAX_BATCH", "4"}}, "choices_restart_second.log");
  EXPECT_EQ(session_state(second.port(), id), "interrupted");
  sse_stream replay(second.port(), "GET", "/v1/sessions/" + id + "/events");
  const auto all = replay.rest();
  const auto summary = summarize(all, id);
  ASSERT_EQ(summary.finish.size(), 3u);
  for (int c = 0; c < 3; ++c) EXPECT_EQ(summary.finish.at(c), "interrupted") << "choice " << c;
  for (size_t i = 0; i < received.size(); ++i) EXPECT_EQ(all.at(i).data, received[i].data) << "event " << i;
}

}  // namespace

namespace {

// A request with n choices takes n batch slots when the registry weighs a worker's load: beside
// a running n = 4 stream (MAX_BATCH=4) one more request fits the queue (MAX_QUEUED=1), the next is
// a 429.
TEST(ChoicesLoad, NChoicesCountAsNSequencesForBackpressure) {
  e2e_server server(fresh_dir("choices_load_db"), {{"MAX_BATCH", "4"}, {"MAX_QUEUED", "1"}}, "choices_load.log");
  sse_stream four(server.port(), "POST", "/v1/chat/completions", sampled_request(4, 400, "n-load-4", true));
  ASSERT_EQ(four.status(), 200);
  ASSERT_TRUE(four.next().has_value());
  sse_stream queued(server.port(), "POST", "/v1/chat/completions", sampled_request(1, 4, "n-load-q", true));
  EXPECT_EQ(queued.status(), 200);
  const auto refused =
      http_request(server.port(), "POST", "/v1/chat/completions", sampled_request(1, 4, "n-load-x", false));
  EXPECT_EQ(refused.status, 429) << refused.body;
  http_request(server.port(), "POST", "/v1/cancel/n-load-4");
}

}  // namespace
