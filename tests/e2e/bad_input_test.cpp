// Every malformed request gets its 4xx JSON error body while a long stream on the same server
// runs on unharmed to completion.
#include <gtest/gtest.h>

#include <future>

#include "config/json.hpp"
#include "tests/e2e/e2e_server.hpp"
#include "tests/support/http_client.hpp"

using namespace vlserve::testing;

namespace {

constexpr int64_t kMaxRequestBytes = 65536;

struct bad_case {
  std::string what, method, path, body;
  std::map<std::string, std::string> headers;
  int status;
  std::string type, param;  // param "" = expect null
};

std::string user_body(const std::string& extra) {
  return R"({"messages":[{"role":"user","content":"hi"}])" + extra + "}";
}

std::vector<bad_case> cases() {
  const std::string big_content(kMaxRequestBytes + 1000, 'x');
  return {
      {"malformed JSON", "POST", "/v1/chat/completions", "{\"messages\": [", {}, 400, "invalid_request_error", ""},
      {"not an object", "POST", "/v1/chat/completions", "[1,2]", {}, 400, "invalid_request_error", ""},
      {"empty body", "POST", "/v1/chat/completions", "", {}, 400, "invalid_request_error", ""},
      {"messages wrong type", "POST", "/v1/chat/completions", R"({"messages":"hi"})", {}, 400,
       "invalid_request_error", "messages"},
      {"empty messages", "POST", "/v1/chat/completions", R"({"messages":[]})", {}, 400, "invalid_request_error",
       "messages"},
      {"unknown role", "POST", "/v1/chat/completions", R"({"messages":[{"role":"wizard","content":"x"}]})", {}, 400,
       "invalid_request_error", "messages[0].role"},
      {"content wrong type", "POST", "/v1/chat/completions", R"({"messages":[{"role":"user","content":42}]})", {},
       400, "invalid_request_error", "messages[0].content"},
      {"n=0", "POST", "/v1/chat/completions", user_body(R"(,"n":0)"), {}, 400, "invalid_request_error", "n"},
      {"n above MAX_BATCH", "POST", "/v1/chat/completions", user_body(R"(,"n":9)"), {}, 400, "invalid_request_error", "n"},
      {"temperature too high", "POST", "/v1/chat/completions", user_body(R"(,"temperature":7)"), {}, 400,
       "invalid_request_error", "temperature"},
      {"temperature a string", "POST", "/v1/chat/completions", user_body(R"(,"temperature":"hot")"), {}, 400,
       "invalid_request_error", "temperature"},
      {"max_tokens negative", "POST", "/v1/chat/completions", user_body(R"(,"max_tokens":-5)"), {}, 400,
       "invalid_request_error", "max_tokens"},
      {"model over the 256 bytes the store keeps", "POST", "/v1/chat/completions",
       user_body(",\"model\":\"" + std::string(300, 'm') + "\""), {}, 400, "invalid_request_error", "model"},
      {"a model this server does not serve", "POST", "/v1/chat/completions", user_body(R"(,"model":"gpt-4o")"), {},
       404, "invalid_request_error", "model"},
      {"max_tokens beyond the context", "POST", "/v1/chat/completions", user_body(R"(,"max_tokens":16380)"), {},
       400, "invalid_request_error", "max_tokens"},
      {"stream wrong type", "POST", "/v1/chat/completions", user_body(R"(,"stream":"yes")"), {}, 400,
       "invalid_request_error", "stream"},
      {"body over MAX_REQUEST_BYTES", "POST", "/v1/chat/completions",
       R"({"messages":[{"role":"user","content":")" + big_content + "\"}]}", {}, 413, "invalid_request_error", ""},
      {"GET on the chat route", "GET", "/v1/chat/completions", "", {}, 405, "invalid_request_error", ""},
      {"DELETE on a session", "DELETE", "/v1/sessions/long-1", "", {}, 405, "invalid_request_error", ""},
      {"PUT on health", "PUT", "/health", "{}", {}, 405, "invalid_request_error", ""},
      {"bad Last-Event-ID header", "POST", "/v1/chat/completions", "{}", {{"Last-Event-ID", "no-index"}}, 400,
       "invalid_request_error", "last_event_id"},
      {"bad last_event_id query", "POST", "/v1/chat/completions?last_event_id=abc:x", "{}", {}, 400,
       "invalid_request_error", "last_event_id"},
      {"events with foreign Last-Event-ID", "GET", "/v1/sessions/long-1/events", "", {{"Last-Event-ID", "other:3"}},
       400, "invalid_request_error", "last_event_id"},
      {"invalid session id in body", "POST", "/v1/chat/completions", user_body(R"(,"session_id":"bad id!")"), {},
       400, "invalid_request_error", "session_id"},
      {"invalid session id in header", "POST", "/v1/chat/completions", user_body(""), {{"X-Session-Id", "a/b"}},
       400, "invalid_request_error", "session_id"},
      {"invalid session id in path", "GET", "/v1/sessions/bad:id", "", {}, 400, "invalid_request_error",
       "session_id"},
      {"unknown session", "GET", "/v1/sessions/never-made", "", {}, 404, "not_found_error", ""},
      {"unknown session events", "GET", "/v1/sessions/never-made/events", "", {}, 404, "not_found_error", ""},
      {"resume of unknown session", "POST", "/v1/chat/completions", "{}", {{"Last-Event-ID", "never-made:0"}}, 404,
       "not_found_error", ""},
      {"duplicate session id", "POST", "/v1/chat/completions", user_body(R"(,"session_id":"long-1")"), {}, 409,
       "invalid_request_error", "session_id"},
      {"unknown route", "GET", "/v1/nothing", "", {}, 404, "not_found_error", ""},
  };
}

TEST(BadInput, EveryBadRequestGetsItsErrorWhileAStreamRuns) {
  e2e_server server(fresh_dir("bad_input_db"), {{"MAX_REQUEST_BYTES", std::to_string(kMaxRequestBytes)}},
                    "bad_input.log");
  // Long enough to outlive every case below on a loaded 2-core machine (300 tokens sometimes did not).
  const std::string long_body =
      R"({"messages":[{"role":"user","content":"Write a long story."}],"max_tokens":500,"temperature":0,)"
      R"("stream":true,"stream_options":{"include_usage":true},"session_id":"long-1"})";
  sse_stream stream(server.port(), "POST", "/v1/chat/completions", long_body);
  ASSERT_EQ(stream.status(), 200);
  std::vector<sse_event> events{stream.next().value()};
  auto rest = std::async(std::launch::async, [&] { return stream.rest(30000); });

  for (const auto& c : cases()) {
    SCOPED_TRACE(c.what);
    const auto r = http_request(server.port(), c.method, c.path, c.body, c.headers);
    EXPECT_EQ(r.status, c.status) << r.body;
    if (c.status == 405) EXPECT_EQ(r.headers.count("allow"), 1u) << "405 names the allowed methods";
    EXPECT_EQ(r.headers.count("content-type") ? r.headers.at("content-type") : "", "application/json");
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    ASSERT_FALSE(d.HasParseError()) << r.body;
    ASSERT_TRUE(d.IsObject() && d.HasMember("error") && d["error"].IsObject()) << r.body;
    const auto& e = d["error"];
    EXPECT_TRUE(e["message"].IsString() && e["message"].GetStringLength() > 0) << r.body;
    EXPECT_EQ(std::string(e["type"].GetString()), c.type) << r.body;
    if (c.param.empty()) {
      EXPECT_TRUE(e["param"].IsNull()) << r.body;
    } else {
      EXPECT_TRUE(e["param"].IsString() && c.param == e["param"].GetString()) << r.body;
    }
  }
  // Far past Pistache's own cap the answer is still a 413 (its plain-text one).
  const auto huge = http_request(server.port(), "POST", "/v1/chat/completions", std::string(2 * 1024 * 1024, 'x'));
  EXPECT_EQ(huge.status, 413);

  EXPECT_EQ(session_state(server.port(), "long-1"), "running") << "the stream should outlive the bad requests";
  for (auto& e : rest.get()) events.push_back(std::move(e));
  EXPECT_EQ(stream_problem(events, true), "");
  EXPECT_EQ(view_chunk(events[events.size() - 3].data).finish_reason, "length");
  EXPECT_EQ(view_chunk(events[events.size() - 2].data).completion_tokens, 500);
  EXPECT_EQ(http_request(server.port(), "GET", "/health").status, 200);
}

}  // namespace

namespace {

std::string field(const std::string& body, const char* name) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember(name) || !d[name].IsString()) return "";
  return d[name].GetString();
}

}  // namespace

TEST(BadInput, ServedModelNameIsWhatClientsSeeAndMaySend) {
  const std::string repo = std::getenv("VLSERVE_FIXTURES") + std::string("/qwen3vl-tiny/model");
  e2e_server server(fresh_dir("served_name_db"), {{"SERVED_MODEL_NAME", "vl-test"}}, "served_name.log");
  const auto models = http_request(server.port(), "GET", "/v1/models");
  EXPECT_NE(models.body.find(R"("id":"vl-test")"), std::string::npos) << models.body;
  EXPECT_EQ(models.body.find(repo), std::string::npos) << "never the local path: " << models.body;
  for (const std::string& name : {std::string("vl-test"), repo}) {
    const auto r = http_request(server.port(), "POST", "/v1/chat/completions",
                                user_body(",\"max_tokens\":2,\"model\":\"" + name + "\""));
    EXPECT_EQ(r.status, 200) << name << " " << r.body;
    EXPECT_EQ(field(r.body, "model"), "vl-test") << r.body;
  }
  const auto unknown = http_request(server.port(), "POST", "/v1/chat/completions", user_body(R"(,"model":"qwen3-vl")"));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body.find("model_not_found"), std::string::npos) << unknown.body;
}
