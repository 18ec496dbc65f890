// 16 concurrent greedy streams through the real server: every one completes with a well-formed,
// complete event sequence whose text equals the same request run alone, and the worker batched them.
#include <gtest/gtest.h>

#include <thread>

#include "tests/e2e/e2e_server.hpp"

using namespace vlserve::testing;

namespace {

constexpr int kStreams = 16;
const char* kPrompts[] = {"Tell me about rivers.", "Count to ten.", "What is a prime number?", "Describe a cat."};

std::string request(int prompt, const std::string& id) {
  std::string body = R"({"messages":[{"role":"user","content":")" + std::string(kPrompts[prompt]) +
                     R"("}],"max_tokens":40,"temperature":0,"stream":true,"stream_options":{"include_usage":true}})";
  return with_field(body, "session_id", "\"" + id + "\"");
}

struct outcome {
  std::vector<sse_event> events;
  std::string error;
};

std::string joined_text(const std::vector<sse_event>& events) {
  std::string text;
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    const auto v = view_chunk(events[i].data);
    text += v.reasoning + "|" + v.content;
  }
  return text;
}

TEST(Concurrency, SixteenStreamsCompleteAndBatch) {
  e2e_server server(fresh_dir("concurrency_db"), {}, "concurrency.log");
  std::vector<std::string> solo;
  for (int p = 0; p < 4; ++p) {
    sse_stream s(server.port(), "POST", "/v1/chat/completions", request(p, "solo-" + std::to_string(p)));
    const auto events = s.rest();
    ASSERT_EQ(stream_problem(events, true), "");
    solo.push_back(joined_text(events));
  }
  ASSERT_EQ(metric(server.port(), "vlserve_batch_size_max"), 1) << "solo runs must not overlap";

  std::vector<outcome> results(kStreams);
  std::vector<std::thread> threads;
  for (int i = 0; i < kStreams; ++i) {
    threads.emplace_back([&, i] {
      try {
        // Streams beyond MAX_BATCH have their headers (and a keep-alive comment) as soon as the
        // worker queues them; their events wait for a running one to end.
        sse_stream s(server.port(), "POST", "/v1/chat/completions", request(i % 4, "multi-" + std::to_string(i)));
        if (s.status() != 200) throw std::runtime_error("status " + std::to_string(s.status()) + ": " + s.body());
        results[i].events = s.rest(30000);
      } catch (const std::exception& e) {
        results[i].error = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();

  for (int i = 0; i < kStreams; ++i) {
    SCOPED_TRACE("stream " + std::to_string(i));
    ASSERT_EQ(results[i].error, "");
    const auto& events = results[i].events;
    EXPECT_EQ(stream_problem(events, true), "");
    EXPECT_EQ(event_session(events.front()), "multi-" + std::to_string(i));
    EXPECT_EQ(joined_text(events), solo[i % 4]);
    const auto usage = view_chunk(events[events.size() - 2].data);
    EXPECT_EQ(usage.completion_tokens, 40);
  }
  EXPECT_GT(metric(server.port(), "vlserve_batch_size_max"), 1);
}

}  // namespace
