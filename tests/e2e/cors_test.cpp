// CORS through the real server: preflights for allowed origins, the allow-origin header on replies
// written by the reactor (JSON, errors) and by actors (SSE, chat.completion), nothing for others.
#include <gtest/gtest.h>

#include "tests/e2e/e2e_server.hpp"
#include "tests/support/http_client.hpp"

using namespace vlserve::testing;

namespace {

const std::string kApp = "https://app.example", kKey = "sk-cors-e2e";

std::string header(const std::map<std::string, std::string>& headers, const std::string& name) {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

std::map<std::string, std::string> from(const std::string& origin, bool with_key = true) {
  std::map<std::string, std::string> h = {{"Origin", origin}};
  if (with_key) h["Authorization"] = "Bearer " + kKey;
  return h;
}

TEST(Cors, AllowedOriginsGetTheHeadersOthersDoNot) {
  e2e_server server(fresh_dir("cors_db"), {{"CORS_ORIGINS", kApp}, {"API_KEY", kKey}}, "cors.log");
  const auto port = server.port();

  auto preflight = from(kApp, false);
  preflight["Access-Control-Request-Method"] = "POST";
  preflight["Access-Control-Request-Headers"] = "authorization, content-type";
  const auto pre = http_request(port, "OPTIONS", "/v1/chat/completions", {}, preflight);
  EXPECT_EQ(pre.status, 204);
  EXPECT_EQ(header(pre.headers, "access-control-allow-origin"), kApp);
  EXPECT_NE(header(pre.headers, "access-control-allow-headers").find("Authorization"), std::string::npos);
  EXPECT_NE(header(pre.headers, "access-control-allow-methods").find("POST"), std::string::npos);
  const auto pre_evil = http_request(port, "OPTIONS", "/v1/chat/completions", {}, from("https://evil.example", false));
  EXPECT_NE(pre_evil.status, 204);
  EXPECT_EQ(header(pre_evil.headers, "access-control-allow-origin"), "");

  // Reactor replies: JSON and a 401 the page can read.
  const auto models = http_request(port, "GET", "/v1/models", {}, from(kApp));
  EXPECT_EQ(models.status, 200);
  EXPECT_EQ(header(models.headers, "access-control-allow-origin"), kApp);
  EXPECT_EQ(header(models.headers, "vary"), "Origin");
  EXPECT_EQ(header(http_request(port, "GET", "/v1/models", {}, from(kApp, false)).headers,
                   "access-control-allow-origin"),
            kApp);
  EXPECT_EQ(header(http_request(port, "GET", "/v1/models", {}, from("https://evil.example")).headers,
                   "access-control-allow-origin"),
            "");

  // Actor replies: a stream and a whole completion.
  auto body = with_field(fixture_request("text_single"), "max_tokens", "2");
  const auto whole = http_request(port, "POST", "/v1/chat/completions", body, from(kApp));
  EXPECT_EQ(whole.status, 200) << whole.body;
  EXPECT_EQ(header(whole.headers, "access-control-allow-origin"), kApp);
  EXPECT_NE(header(whole.headers, "access-control-expose-headers").find("X-Session-Id"), std::string::npos);
  sse_stream stream(port, "POST", "/v1/chat/completions", with_field(body, "stream", "true"), from(kApp));
  EXPECT_EQ(stream.status(), 200);
  EXPECT_EQ(header(stream.headers(), "access-control-allow-origin"), kApp);
  stream.rest();
}

}  // namespace
