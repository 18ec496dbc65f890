// Issue 6 end to end: the server fetches the model from a loopback fake hub while /health reports
// progress, then serves; without a reachable hub it says the model is unavailable and how to fix it.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "config/json.hpp"
#include "tests/hub/fake_hub_process.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"

using namespace vlserve::testing;

namespace {

std::string health_status(uint16_t port, std::string* detail = nullptr) {
  try {
    const auto r = http_request(port, "GET", "/health");
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    if (d.HasParseError() || !d.HasMember("status")) return "bad";
    if (detail) *detail = d["detail"].GetString();
    return d["status"].GetString();
  } catch (const std::exception&) {
    return "";  // not listening yet
  }
}

std::map<std::string, std::string> server_env(uint16_t port, const std::string& work) {
  return {{"HOST", "127.0.0.1"},      {"PORT", std::to_string(port)},
          {"PERSIST_SESSIONS", "0"},  {"TORCH_DTYPE", "float32"},
          {"HF_HUB_CACHE", work + "/cache"}, {"HF_HOME", work + "/home"}};
}

// Polls /health until it leaves "loading" (or the deadline); returns every status seen in order.
std::vector<std::string> poll_until_settled(uint16_t port, int timeout_ms, std::string* detail) {
  std::vector<std::string> seen;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto s = health_status(port, detail);
    if (!s.empty() && (seen.empty() || seen.back() != s)) seen.push_back(s);
    if (s == "ready" || s == "error") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return seen;
}

}  // namespace

TEST(HubServe, DownloadsFromTheHubThenServes) {
  scratch_dir work;
  fake_hub hub(work.path());
  const uint16_t port = free_port();
  auto env = server_env(port, work.path());
  env["MODEL_REPO_ID"] = "test-org/tiny-vl";
  env["HF_ENDPOINT"] = hub.endpoint();
  child_process server(vlserve_binary(), {"serve"}, env, work.path() + "/server.log");

  std::string detail;
  const auto seen = poll_until_settled(port, 60000, &detail);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back(), "ready") << detail << "\n" << server.log();
  for (size_t i = 0; i + 1 < seen.size(); ++i) EXPECT_EQ(seen[i], "loading") << "before ready";

  const auto r = http_request(port, "POST", "/v1/chat/completions",
                              R"({"messages":[{"role":"user","content":"Hi"}],"max_tokens":4,"temperature":0})",
                              {{"Content-Type", "application/json"}}, 30000);
  EXPECT_EQ(r.status, 200) << r.body;
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  ASSERT_FALSE(d.HasParseError()) << r.body;
  EXPECT_EQ(d["usage"]["completion_tokens"].GetInt(), 4);
  EXPECT_FALSE(hub.requests().empty()) << "the model came from the hub";
  server.signal(SIGTERM);
  EXPECT_EQ(server.wait_for_exit(10000).value_or(-1), 0);
}

TEST(HubServe, WithoutTheHubTheServerSaysHowToProvideTheModel) {
  scratch_dir work;
  const uint16_t port = free_port();
  auto env = server_env(port, work.path());
  env["MODEL_REPO_ID"] = "Qwen/Qwen3-VL-2B-Thinking";
  env["HF_ENDPOINT"] = "http://127.0.0.1:" + std::to_string(free_port());  // nothing listens there
  child_process server(vlserve_binary(), {"serve"}, env, work.path() + "/server.log");

  std::string detail;
  const auto seen = poll_until_settled(port, 90000, &detail);
  ASSERT_FALSE(seen.empty());
  ASSERT_EQ(seen.back(), "error") << server.log();
  EXPECT_NE(detail.find("MODEL_REPO_ID"), std::string::npos) << detail;
  EXPECT_NE(detail.find("HF_TOKEN"), std::string::npos) << detail;

  const auto r = http_request(port, "POST", "/v1/chat/completions",
                              R"({"messages":[{"role":"user","content":"Hi"}]})", {}, 10000);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.headers.count("retry-after"), 1u);
  EXPECT_NE(r.body.find("model_not_ready"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("MODEL_REPO_ID"), std::string::npos) << r.body;
  server.signal(SIGTERM);
  EXPECT_EQ(server.wait_for_exit(10000).value_or(-1), 0);
}

TEST(HubServe, TwoServersStartingAtOnceShareOneDownload) {
  scratch_dir work;
  fake_hub hub(work.path());
  std::vector<uint16_t> ports = {free_port(), free_port()};
  std::vector<std::unique_ptr<child_process>> servers;
  for (size_t i = 0; i < ports.size(); ++i) {
    auto env = server_env(ports[i], work.path());  // the same HF_HUB_CACHE for both
    env["MODEL_REPO_ID"] = "test-org/tiny-vl";
    env["HF_ENDPOINT"] = hub.endpoint();
    servers.push_back(std::make_unique<child_process>(vlserve_binary(), std::vector<std::string>{"serve"}, env,
                                                      work.path() + "/server" + std::to_string(i) + ".log"));
  }
  for (size_t i = 0; i < ports.size(); ++i) {
    std::string detail;
    const auto seen = poll_until_settled(ports[i], 60000, &detail);
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.back(), "ready") << detail << "\n" << servers[i]->log();
  }
  // The per-blob lock lets one process download each blob; the other waits and reuses it.
  std::map<std::string, int> full_gets;
  for (const auto& r : hub.requests())
    if (r.method == "GET" && r.path.starts_with("/_blobs/") && r.range.empty()) ++full_gets[r.path];
  EXPECT_FALSE(full_gets.empty());
  for (const auto& [path, n] : full_gets) EXPECT_EQ(n, 1) << path << " was downloaded " << n << " times";
  for (auto& s : servers) {
    s->signal(SIGTERM);
    EXPECT_EQ(s->wait_for_exit(10000).value_or(-1), 0);
  }
}
