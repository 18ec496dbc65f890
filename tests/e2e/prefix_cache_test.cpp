// The prefix cache through the server: the same prompt again, and the next turn of a chat, report
// reused prompt tokens in usage.prompt_tokens_details.cached_tokens (OpenAI's field) and in
// /metrics; two chats over one system prompt hold it once; PREFIX_CACHE_BYTES=0 turns it off.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "config/json.hpp"
#include "tests/e2e/e2e_server.hpp"
#include "tests/support/http_client.hpp"

using namespace vlserve::testing;

namespace {

const char* const k_system =
    "You are a careful assistant for a lighthouse museum. Answer briefly and mention the opening "
    "hours (nine to five, closed on Mondays) whenever a visitor asks about a visit.";

struct usage {
  int64_t prompt_tokens = -1, cached_tokens = -1;
};

usage completion_usage(uint16_t port, const std::string& messages) {
  const auto r = http_request(port, "POST", "/v1/chat/completions",
                              R"({"max_tokens":6,"temperature":0,"messages":)" + messages + "}");
  EXPECT_EQ(r.status, 200) << r.body;
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  usage u;
  if (d.HasParseError() || !d.HasMember("usage")) return u;
  u.prompt_tokens = d["usage"]["prompt_tokens"].GetInt64();
  u.cached_tokens = d["usage"]["prompt_tokens_details"]["cached_tokens"].GetInt64();
  return u;
}

std::string turn1() {
  return std::string(R"([{"role":"system","content":")") + k_system +
         R"("},{"role":"user","content":"When can I visit?"}])";
}

std::string turn2() {
  return std::string(R"([{"role":"system","content":")") + k_system +
         R"("},{"role":"user","content":"When can I visit?"},{"role":"assistant","content":"Nine to five."},)"
         R"({"role":"user","content":"And on Mondays?"}])";
}

// The store's figures once /metrics has settled: the worker updates them after the step that
// answered the request, and keeps a finished history when it releases the sequence, which can be
// a step later. Settled = bytes equal the rows held (2048 bytes per float32 row of the fixture
// model) and neither moved for 300 ms. Returns {bytes, rows}.
std::pair<double, double> settled_cache(uint16_t port) {
  std::pair<double, double> last{-1, -1};
  auto stable_since = std::chrono::steady_clock::now();
  const auto deadline = stable_since + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::pair<double, double> now{metric(port, "vlserve_prefix_cache_bytes"),
                                        metric(port, "vlserve_prefix_cache_tokens")};
    if (now != last) {
      last = now;
      stable_since = std::chrono::steady_clock::now();
    } else if (now.first == now.second * 2048 &&
               std::chrono::steady_clock::now() - stable_since > std::chrono::milliseconds(300)) {
      return now;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return last;
}

}  // namespace

TEST(PrefixCache, RepeatedPromptsAndNextTurnsReuseTheHistory) {
  e2e_server server(fresh_dir("prefix_cache_db"), {{"PREFIX_CACHE_BYTES", "67108864"}}, "prefix_cache.log");
  const usage first = completion_usage(server.port(), turn1());
  EXPECT_EQ(first.cached_tokens, 0);
  const usage again = completion_usage(server.port(), turn1());
  EXPECT_EQ(again.cached_tokens, first.prompt_tokens - 1) << "all but the last prompt token";
  const usage next = completion_usage(server.port(), turn2());
  EXPECT_GT(next.cached_tokens, first.prompt_tokens / 2) << "the system prompt and first question";
  EXPECT_LT(next.cached_tokens, next.prompt_tokens);
  EXPECT_GE(metric(server.port(), "vlserve_prefix_cache_hits_total"), 2);
  EXPECT_GE(metric(server.port(), "vlserve_prefix_cache_misses_total"), 1);
  EXPECT_GT(metric(server.port(), "vlserve_prefix_cache_bytes"), 0);
  // Blocks of 32 rows or fewer; a float32 row of the fixture model is 4 layers x (K, V) x 2 heads x
  // 32 dims x 4 bytes, and the bytes are exactly the rows held.
  const auto [bytes, tokens] = settled_cache(server.port());
  EXPECT_GE(metric(server.port(), "vlserve_prefix_cache_entries"), tokens / 32);
  EXPECT_EQ(bytes, tokens * 2048);
  EXPECT_EQ(metric(server.port(), "vlserve_prefix_cache_pinned_blocks"), 0);
  EXPECT_EQ(metric(server.port(), "vlserve_prefix_cache_max_bytes"), 67108864);
}

TEST(PrefixCache, TwoChatsOverOneSystemPromptHoldItOnce) {
  e2e_server server(fresh_dir("prefix_shared_db"), {{"PREFIX_CACHE_BYTES", "67108864"}}, "prefix_shared.log");
  std::string system;
  for (int i = 0; i < 12; ++i) system += std::string(k_system) + " ";
  auto chat = [&](const std::string& question) {
    return R"([{"role":"system","content":")" + system + R"("},{"role":"user","content":")" + question + R"("}])";
  };
  const usage a = completion_usage(server.port(), chat("When can I visit?"));
  ASSERT_GT(a.prompt_tokens, 300);
  const double one = settled_cache(server.port()).first;
  const usage b = completion_usage(server.port(), chat("Is there a cafe?"));
  EXPECT_GT(b.cached_tokens, a.prompt_tokens - 20) << "the second chat starts from the first one's system prompt";
  const auto [both, rows] = settled_cache(server.port());
  EXPECT_LT(both, 1.25 * one) << "the system prompt is held once";
  EXPECT_EQ(both, rows * 2048);
}

TEST(PrefixCache, ZeroBytesTurnsItOff) {
  e2e_server server(fresh_dir("prefix_cache_off_db"), {{"PREFIX_CACHE_BYTES", "0"}}, "prefix_cache_off.log");
  completion_usage(server.port(), turn1());
  EXPECT_EQ(completion_usage(server.port(), turn1()).cached_tokens, 0);
  EXPECT_EQ(metric(server.port(), "vlserve_prefix_cache_bytes"), 0);
}

TEST(PrefixCache, ARepeatedImageSkipsTheTowerAndReusesItsRows) {
  e2e_server server(fresh_dir("vision_cache_db"), {{"PREFIX_CACHE_BYTES", "67108864"}}, "vision_cache.log");
  const std::string body = with_field(with_field(fixture_request("image_single"), "max_tokens", "4"),
                                      "temperature", "0");
  auto cached_tokens = [&] {
    const auto r = http_request(server.port(), "POST", "/v1/chat/completions", body);
    EXPECT_EQ(r.status, 200) << r.body;
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    return d.HasParseError() ? int64_t(-1) : d["usage"]["prompt_tokens_details"]["cached_tokens"].GetInt64();
  };
  EXPECT_EQ(cached_tokens(), 0);
  EXPECT_EQ(metric(server.port(), "vlserve_vision_cache_misses_total"), 1);
  EXPECT_GT(cached_tokens(), 0) << "the prompt, image rows included, comes from the prefix cache";
  EXPECT_EQ(metric(server.port(), "vlserve_vision_cache_hits_total"), 1) << "the tower ran once";
  EXPECT_GT(metric(server.port(), "vlserve_vision_cache_bytes"), 0);
}
