// API keys through the real server: 401 without a valid key on every /v1 route, sessions that
// belong to the key that made them (404 for any other key), client ids scoped per key, replay of
// a key's session after a restart, PROTECT_METRICS, and no key in the log.
#include <gtest/gtest.h>

#include "config/json.hpp"
#include "tests/e2e/e2e_server.hpp"
#include "tests/support/http_client.hpp"

using namespace vlserve::testing;

namespace {

const std::string kKeyA = "sk-alpha-e2e-0001", kKeyB = "sk-bravo-e2e-0002";

std::map<std::string, std::string> bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }

std::string short_request(const std::string& session_id, bool stream) {
  auto body = with_field(fixture_request("text_single"), "max_tokens", "6");
  body = with_field(body, "temperature", "0");
  if (stream) body = with_field(body, "stream", "true");
  if (!session_id.empty()) body = with_field(body, "session_id", "\"" + session_id + "\"");
  return body;
}

std::string error_code(const http_response& r) {
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("error") || !d["error"]["code"].IsString()) return "";
  return d["error"]["code"].GetString();
}

std::string json_string(const std::string& body, const char* field) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  return d.HasParseError() || !d.IsObject() || !d.HasMember(field) ? "" : d[field].GetString();
}

TEST(Auth, KeysGuardRoutesAndScopeSessions) {
  const auto db = fresh_dir("auth_db");
  std::string other_id;
  std::vector<sse_event> a_demo;
  {
    e2e_server server(db, {{"API_KEY", kKeyA + "," + kKeyB}}, "auth.log");
    const auto port = server.port();

    // Every /v1 route refuses a missing or wrong key with OpenAI's 401 body.
    const std::vector<std::pair<std::string, std::string>> routes = {
        {"POST", "/v1/chat/completions"}, {"GET", "/v1/models"},          {"GET", "/v1/sessions/demo"},
        {"GET", "/v1/sessions/demo/events"}, {"POST", "/v1/cancel/demo"}};
    for (const auto& [method, path] : routes) {
      for (const auto& headers : {std::map<std::string, std::string>{}, bearer("sk-wrong"), bearer(kKeyA + "x"),
                                  std::map<std::string, std::string>{{"Authorization", "Basic " + kKeyA}}}) {
        const auto r = http_request(port, method, path, method == "POST" ? short_request("", false) : "", headers);
        EXPECT_EQ(r.status, 401) << method << " " << path << " " << r.body;
        EXPECT_EQ(error_code(r), "invalid_api_key") << r.body;
        EXPECT_EQ(r.headers.count("www-authenticate"), 1u);
      }
    }
    // Health and metrics stay open for probes and Prometheus.
    EXPECT_EQ(http_request(port, "GET", "/health").status, 200);
    EXPECT_EQ(http_request(port, "GET", "/metrics").status, 200);
    EXPECT_EQ(http_request(port, "GET", "/v1/models", {}, bearer(kKeyB)).status, 200);

    // Both keys may call a session "demo"; the same key twice is a conflict.
    sse_stream sa(port, "POST", "/v1/chat/completions", short_request("demo", true), bearer(kKeyA));
    ASSERT_EQ(sa.status(), 200);
    a_demo = sa.rest();
    ASSERT_EQ(stream_problem(a_demo, false), "");
    EXPECT_EQ(a_demo.front().id, "demo:0") << "the client sees its own id, not the owner tag";
    const auto b_demo = http_request(port, "POST", "/v1/chat/completions", short_request("demo", false), bearer(kKeyB));
    EXPECT_EQ(b_demo.status, 200) << b_demo.body;
    EXPECT_EQ(b_demo.headers.at("x-session-id"), "demo");
    EXPECT_EQ(json_string(b_demo.body, "id"), "chatcmpl-demo");
    const auto again = http_request(port, "POST", "/v1/chat/completions", short_request("demo", false), bearer(kKeyA));
    EXPECT_EQ(again.status, 409);
    EXPECT_NE(again.body.find("session 'demo' already exists"), std::string::npos) << "no owner tag: " << again.body;

    // A server-made id of key A is unknown to key B on every route.
    const auto made = http_request(port, "POST", "/v1/chat/completions", short_request("", false), bearer(kKeyA));
    ASSERT_EQ(made.status, 200) << made.body;
    other_id = made.headers.at("x-session-id");
    const auto mine = http_request(port, "GET", "/v1/sessions/" + other_id, {}, bearer(kKeyA));
    EXPECT_EQ(mine.status, 200);
    EXPECT_EQ(json_string(mine.body, "id"), other_id);
    EXPECT_EQ(http_request(port, "GET", "/v1/sessions/" + other_id, {}, bearer(kKeyB)).status, 404);
    EXPECT_EQ(http_request(port, "GET", "/v1/sessions/" + other_id + "/events", {}, bearer(kKeyB)).status, 404);
    EXPECT_EQ(http_request(port, "POST", "/v1/cancel/" + other_id, {}, bearer(kKeyB)).status, 404);
    auto resume_b = bearer(kKeyB);
    resume_b["Last-Event-ID"] = other_id + ":0";
    const auto foreign = http_request(port, "POST", "/v1/chat/completions", "{}", resume_b);
    EXPECT_EQ(foreign.status, 404);
    EXPECT_NE(foreign.body.find("unknown session '" + other_id + "'"), std::string::npos) << foreign.body;
    EXPECT_EQ(http_request(port, "POST", "/v1/cancel/" + other_id, {}, bearer(kKeyA)).status, 200);
    server.kill_hard();
    const auto log = server.log();
    for (const auto& key : {kKeyA, kKeyB}) EXPECT_EQ(log.find(key), std::string::npos) << log;
  }

  // After a restart each key still replays its own "demo"; PROTECT_METRICS closes the probes.
  e2e_server again(db, {{"API_KEY", kKeyB + "," + kKeyA}, {"PROTECT_METRICS", "1"}}, "auth2.log");
  const auto port = again.port();
  sse_stream replay(port, "GET", "/v1/sessions/demo/events", {}, bearer(kKeyA));
  ASSERT_EQ(replay.status(), 200);
  const auto replayed = replay.rest();
  ASSERT_EQ(replayed.size(), a_demo.size());
  for (size_t i = 0; i < replayed.size(); ++i) EXPECT_EQ(replayed[i].data, a_demo[i].data) << i;
  EXPECT_EQ(http_request(port, "GET", "/v1/sessions/" + other_id, {}, bearer(kKeyB)).status, 404);
  EXPECT_EQ(http_request(port, "GET", "/v1/sessions/demo", {}, bearer(kKeyB)).status, 200);
  EXPECT_EQ(http_request(port, "GET", "/health").status, 401);
  EXPECT_EQ(http_request(port, "GET", "/metrics").status, 401);
  EXPECT_EQ(http_request(port, "GET", "/metrics", {}, bearer(kKeyA)).status, 200);
}

}  // namespace
