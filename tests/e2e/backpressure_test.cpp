// Backpressure and a reactor that only moves bytes, through the real server: beyond MAX_BATCH +
// MAX_QUEUED a request gets 429 with Retry-After; a queued stream has its headers and a keep-alive
// comment at once; /health stays fast while a huge prompt is parsed and tokenised; unfinished
// requests are cut after the header timeout while long replies are not.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config/json.hpp"
#include "tests/e2e/e2e_server.hpp"
#include "tests/support/http_client.hpp"

using namespace vlserve::testing;

namespace {

// Greedy, EOS banned: runs for max_tokens unless cancelled.
std::string endless(const std::string& id, int max_tokens) {
  return R"({"messages":[{"role":"user","content":"Write a long story."}],"temperature":0,"stream":true,)"
         R"("logit_bias":{"151643":-100,"151645":-100},"max_tokens":)" +
         std::to_string(max_tokens) + R"(,"session_id":")" + id + R"("})";
}

TEST(Backpressure, BeyondTheQueueIs429AndAQueuedStreamStartsAtOnce) {
  e2e_server server(fresh_dir("backpressure_db"), {{"MAX_BATCH", "1"}, {"MAX_QUEUED", "1"}}, "backpressure.log");
  sse_stream running(server.port(), "POST", "/v1/chat/completions", endless("runs", 8000));
  ASSERT_EQ(running.status(), 200);
  ASSERT_TRUE(running.next(10000).has_value());

  // The one queue place: headers and a comment now, though no event can come while "runs" runs.
  const auto t0 = std::chrono::steady_clock::now();
  sse_stream queued(server.port(), "POST", "/v1/chat/completions", endless("waits", 5), {}, 5000);
  ASSERT_EQ(queued.status(), 200);
  EXPECT_EQ(queued.headers().at("content-type"), "text/event-stream");
  EXPECT_THROW(queued.next(1000), std::runtime_error) << "no event while the only slot is busy";
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(4));
  ASSERT_FALSE(queued.comments().empty());
  EXPECT_EQ(queued.comments().front(), ": keep-alive");

  // Full: refused at once, with the OpenAI error shape and a time to come back.
  for (const bool stream : {false, true}) {
    const std::string body = R"({"messages":[{"role":"user","content":"hi"}],"max_tokens":2,"stream":)" +
                             std::string(stream ? "true" : "false") + "}";
    const auto full = http_request(server.port(), "POST", "/v1/chat/completions", body);
    EXPECT_EQ(full.status, 429) << full.body;
    EXPECT_EQ(full.headers.count("retry-after"), 1u);
    rapidjson::Document err;
    err.Parse(full.body.c_str());
    ASSERT_FALSE(err.HasParseError()) << full.body;
    EXPECT_STREQ(err["error"]["type"].GetString(), "rate_limit_error");
    EXPECT_STREQ(err["error"]["code"].GetString(), "queue_full");
  }
  EXPECT_EQ(session_state(server.port(), "waits"), "queued");

  // The slot frees: the queued stream runs to its end, complete and well formed.
  EXPECT_EQ(http_request(server.port(), "POST", "/v1/cancel/runs").status, 200);
  const auto events = queued.rest(20000);
  EXPECT_EQ(stream_problem(events, false), "");
  EXPECT_EQ(view_chunk(events[events.size() - 2].data).finish_reason, "length");
  running.rest(20000);
}

TEST(Backpressure, HealthAnswersWhileAHugePromptIsRead) {
  e2e_server server(fresh_dir("reactor_db"), {{"MAX_REQUEST_BYTES", "20000000"}}, "reactor.log");
  // 15 MB of words: parsing, templating and tokenising take seconds, off the reactor thread.
  std::string words;
  words.reserve(15u << 20);
  while (words.size() < (15u << 20)) words += "lorem ipsum dolor sit amet ";
  struct big_request {
    std::string path, body;
    int status;
  };
  const std::vector<big_request> requests = {
      // Longer than the context: a 400 once the whole prompt has been read and tokenised.
      {"/v1/chat/completions", R"({"messages":[{"role":"user","content":")" + words + R"("}],"max_tokens":2})", 400},
      {"/tokenize", R"({"prompt":")" + words + R"("})", 200},
  };
  for (const auto& r : requests) {
    SCOPED_TRACE(r.path);
    std::atomic<bool> done{false};
    http_response answer;
    std::thread big([&] {
      answer = http_request(server.port(), "POST", r.path, r.body, {}, 120000);
      done = true;
    });
    std::vector<double> ms;
    while (!done) {
      const auto t = std::chrono::steady_clock::now();
      const auto h = http_request(server.port(), "GET", "/health", {}, {}, 10000);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count());
      EXPECT_EQ(h.status, 200);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    big.join();
    EXPECT_EQ(answer.status, r.status) << answer.body.substr(0, 300);
    ASSERT_GE(ms.size(), 5u) << "the prompt was read too fast to watch /health beside it";
    std::sort(ms.begin(), ms.end());
    const double median = ms[ms.size() / 2];
    // Before the reader moved off the reactor, /health waited the whole 5 s of tokenising.
    EXPECT_LT(median, 100.0) << "median /health latency while the prompt was read";
    EXPECT_LT(ms.back(), 1000.0) << "slowest /health while the prompt was read";
    std::printf("/health beside a 15 MB prompt on %s: %zu polls, median %.1f ms, max %.1f ms\n", r.path.c_str(),
                ms.size(), median, ms.back());
  }
}

}  // namespace

namespace {

// A raw connection that sends `bytes` and returns what comes back until the server closes it.
std::string send_and_read_to_close(uint16_t port, const std::string& bytes, int timeout_s, double* took_s) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect");
  timeval tv{timeout_s, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const auto t0 = std::chrono::steady_clock::now();
  ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  std::string got;
  char buf[4096];
  while (true) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, size_t(n));
  }
  *took_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ::close(fd);
  return got;
}

}  // namespace

// A client that never finishes its headers (or sends garbage) is answered and closed after the
// 10 s header timeout, not held for a day; replies that take longer than that are not cut.
TEST(Backpressure, UnfinishedHeadersAreCutAfterTheHeaderTimeout) {
  e2e_server server(fresh_dir("header_timeout_db"), {}, "header_timeout.log");
  double took = 0;
  const auto got = send_and_read_to_close(server.port(), "GET /health HTTP/1.1\r\nHost: x\r\n", 30, &took);
  EXPECT_GE(took, 8.0);
  EXPECT_LT(took, 16.0) << got;
  EXPECT_EQ(got.rfind("HTTP/1.1 408", 0), 0u) << got;
  EXPECT_EQ(http_request(server.port(), "GET", "/health").status, 200);
}

TEST(Backpressure, RepliesLongerThanTheHeaderTimeoutAreNotCut) {
  e2e_server server(fresh_dir("long_reply_db"), {{"MAX_BATCH", "1"}}, "long_reply.log");
  sse_stream running(server.port(), "POST", "/v1/chat/completions", endless("long-runner", 8000));
  std::vector<sse_event> events{running.next().value()};
  http_response waited;
  std::thread json([&] {
    waited = http_request(server.port(), "POST", "/v1/chat/completions",
                          R"({"messages":[{"role":"user","content":"hi"}],"max_tokens":3})", {}, 60000);
  });
  std::this_thread::sleep_for(std::chrono::seconds(12));  // past the 10 s header timeout
  EXPECT_EQ(http_request(server.port(), "POST", "/v1/cancel/long-runner").status, 200);
  json.join();
  EXPECT_EQ(waited.status, 200) << waited.body;
  for (auto& e : running.rest(20000)) events.push_back(std::move(e));
  EXPECT_EQ(stream_problem(events, false), "");
  EXPECT_EQ(view_chunk(events[events.size() - 2].data).finish_reason, "cancelled");
}
