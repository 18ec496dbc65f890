// Cancellation through the real server: POST /v1/cancel/{id} ends a running stream promptly with a
// `cancelled` chunk and [DONE]; cancel is idempotent; unknown ids get 404; and the disconnect
// watchdog (CANCEL_AFTER_DISCONNECT_SECONDS=1) cancels a stream nobody listens to any more.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/e2e/e2e_server.hpp"
#include "tests/support/http_client.hpp"

using namespace vlserve::testing;
using clock_type = std::chrono::steady_clock;

namespace {

std::string long_stream(const std::string& id) {
  auto body = with_field(fixture_request("text_single"), "max_tokens", "2000");
  body = with_field(body, "temperature", "0");
  body = with_field(body, "stream", "true");
  return with_field(body, "session_id", "\"" + id + "\"");
}

class Cancel : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new e2e_server(fresh_dir("cancel_db"), {{"CANCEL_AFTER_DISCONNECT_SECONDS", "1"}}, "cancel.log");
  }
  static void TearDownTestSuite() { delete server_; }
  static e2e_server* server_;
};
e2e_server* Cancel::server_ = nullptr;

TEST_F(Cancel, CancelRouteStopsTheStreamPromptly) {
  const auto port = server_->port();
  const double cancelled_before = metric(port, "vlserve_cancelled_total");
  sse_stream s(port, "POST", "/v1/chat/completions", long_stream("cancel-me"));
  ASSERT_EQ(s.status(), 200);
  std::vector<sse_event> events;
  for (int i = 0; i < 3; ++i) events.push_back(s.next().value());

  const auto t0 = clock_type::now();
  const auto r = http_request(port, "POST", "/v1/cancel/cancel-me");
  EXPECT_EQ(r.status, 200) << r.body;
  for (auto& e : s.rest(5000)) events.push_back(std::move(e));
  const auto took = clock_type::now() - t0;
  EXPECT_LT(took, std::chrono::seconds(2)) << "the stream did not end within 2 s of the cancel";
  ASSERT_EQ(stream_problem(events, false), "");
  EXPECT_EQ(view_chunk(events[events.size() - 2].data).finish_reason, "cancelled");
  EXPECT_LT(events.size(), 1000u) << "generation ran on after the cancel";

  EXPECT_EQ(session_state(port, "cancel-me"), "cancelled");
  const auto count = session_event_count(port, "cancel-me");
  EXPECT_EQ(count, int64_t(events.size() - 1));  // every event but [DONE]
  // Idempotent: a second cancel answers 200 and nothing is appended.
  const auto again = http_request(port, "POST", "/v1/cancel/cancel-me");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_NE(again.body.find("\"cancelled\""), std::string::npos) << again.body;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // a stopped log must stay stopped
  EXPECT_EQ(session_event_count(port, "cancel-me"), count);
  EXPECT_GE(metric(port, "vlserve_cancelled_total"), cancelled_before + 1);
}

TEST_F(Cancel, UnknownSessionIs404AndBadIdIs400) {
  const auto r = http_request(server_->port(), "POST", "/v1/cancel/no-such-session");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("not_found_error"), std::string::npos) << r.body;
  const auto bad = http_request(server_->port(), "POST", "/v1/cancel/bad%20id");
  EXPECT_EQ(bad.status, 400) << bad.body;
}

TEST_F(Cancel, CancelOfAFinishedSessionKeepsItsOutcome) {
  const auto port = server_->port();
  const auto done = http_request(port, "POST", "/v1/chat/completions",
                                 R"({"messages":[{"role":"user","content":"hi"}],"max_tokens":2,"session_id":"done-1"})");
  ASSERT_EQ(done.status, 200) << done.body;
  const auto r = http_request(port, "POST", "/v1/cancel/done-1");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(session_state(port, "done-1"), "finished");
}

TEST_F(Cancel, WatchdogCancelsAfterAllClientsLeave) {
  const auto port = server_->port();
  const double cancelled_before = metric(port, "vlserve_cancelled_total");
  {
    sse_stream a(port, "POST", "/v1/chat/completions", long_stream("orphan"));
    ASSERT_EQ(a.status(), 200);
    a.next().value();
    sse_stream b(port, "GET", "/v1/sessions/orphan/events");
    b.next().value();
  }  // both clients disconnect here
  const auto t0 = clock_type::now();
  std::string state;
  while (clock_type::now() - t0 < std::chrono::seconds(6)) {
    state = session_state(port, "orphan");
    if (state != "running" && state != "queued") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto took = std::chrono::duration<double>(clock_type::now() - t0).count();
  EXPECT_EQ(state, "cancelled");
  EXPECT_GE(took, 0.8) << "cancelled before the 1 s grace period";
  EXPECT_LE(took, 3.5) << "the watchdog took too long";
  EXPECT_GE(metric(port, "vlserve_cancelled_total"), cancelled_before + 1);

  // The replay shows the same ending a live client would have seen.
  sse_stream replay(port, "GET", "/v1/sessions/orphan/events");
  const auto all = replay.rest();
  ASSERT_EQ(stream_problem(all, false), "");
  EXPECT_EQ(view_chunk(all[all.size() - 2].data).finish_reason, "cancelled");
}

TEST_F(Cancel, AReattachedClientKeepsTheStreamAlive) {
  const auto port = server_->port();
  {
    sse_stream a(port, "POST", "/v1/chat/completions", long_stream("reattach"));
    a.next().value();
  }
  sse_stream b(port, "GET", "/v1/sessions/reattach/events");  // back within the grace period
  const auto t0 = clock_type::now();
  size_t n = 0;
  while (clock_type::now() - t0 < std::chrono::milliseconds(2000)) {
    ASSERT_TRUE(b.next().has_value());
    ++n;
  }
  EXPECT_EQ(session_state(port, "reattach"), "running") << "cancelled although a client was attached";
  EXPECT_EQ(http_request(port, "POST", "/v1/cancel/reattach").status, 200);
  const auto rest = b.rest(5000);
  ASSERT_FALSE(rest.empty());
  EXPECT_EQ(rest.back().data, "[DONE]");
}

}  // namespace
