// Crash safety: kill -9 the server mid-stream, restart it on the same SESSIONS_DB_PATH, and the
// session replays every event the client had received, then ends with finish_reason "interrupted".
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>

#include "tests/e2e/e2e_server.hpp"
#include "tests/support/http_client.hpp"

using namespace vlserve::testing;

TEST(Restart, KilledStreamReplaysAndEndsInterrupted) {
  const auto db = fresh_dir("restart_db");
  auto body = with_field(fixture_request("text_single"), "max_tokens", "600");
  body = with_field(body, "temperature", "0");
  body = with_field(body, "stream", "true");
  body = with_field(body, "session_id", "\"crash-1\"");

  std::vector<sse_event> received;
  {
    e2e_server first(db, {}, "restart_first.log");
    sse_stream s(first.port(), "POST", "/v1/chat/completions", body);
    ASSERT_EQ(s.status(), 200);
    for (int i = 0; i < 20; ++i) received.push_back(s.next().value());
    ASSERT_EQ(view_chunk(received.back().data).finish_reason, "") << "the stream ended before the kill";
    first.kill_hard();
    // Whatever was already on the wire before the kill was received too.
    while (auto e = s.next()) received.push_back(std::move(*e));
  }
  ASSERT_GE(received.size(), 20u);
  ASSERT_NE(received.back().data, "[DONE]");

  e2e_server second(db, {}, "restart_second.log");
  EXPECT_EQ(session_state(second.port(), "crash-1"), "interrupted");
  sse_stream replay(second.port(), "GET", "/v1/sessions/crash-1/events");
  ASSERT_EQ(replay.status(), 200);
  const auto all = replay.rest();
  EXPECT_EQ(stream_problem(all, false), "");
  ASSERT_GE(all.size(), received.size() + 2);  // what was seen, the interrupted event, [DONE]
  for (size_t i = 0; i < received.size(); ++i) {
    EXPECT_EQ(all[i].id, received[i].id);
    EXPECT_EQ(all[i].data, received[i].data) << "event " << i;
  }
  EXPECT_EQ(view_chunk(all[all.size() - 2].data).finish_reason, "interrupted");
  EXPECT_EQ(all.back().data, "[DONE]");

  // A resume from the last event the client saw gets the rest of the stored log and the end.
  sse_stream resumed(second.port(), "POST", "/v1/chat/completions", "{}",
                     {{"Last-Event-ID", received.back().id}});
  const auto tail = resumed.rest();
  ASSERT_EQ(tail.size(), all.size() - received.size());
  EXPECT_EQ(tail.front().id, all[received.size()].id);

  // A new request on the restarted server still works on the same store.
  const auto fresh = http_request(second.port(), "POST", "/v1/chat/completions",
                                  R"({"messages":[{"role":"user","content":"hi"}],"max_tokens":3,"session_id":"after-crash"})");
  EXPECT_EQ(fresh.status, 200) << fresh.body;
  const auto dup = http_request(second.port(), "POST", "/v1/chat/completions",
                                R"({"messages":[{"role":"user","content":"hi"}],"max_tokens":3,"session_id":"crash-1"})");
  EXPECT_EQ(dup.status, 409) << "a stored session id must not be reused: " << dup.body;
}

// SIGTERM with streams running: the server is gone within 5 s, every running stream has ended
// `interrupted` for its client (then [DONE]) and in the store, and a restart finds it so, with
// no second closing event.
TEST(Restart, SigtermEndsRunningStreamsInterruptedWithinFiveSeconds) {
  const auto db = fresh_dir("sigterm_db");
  const auto long_body = [](const std::string& id) {
    return R"({"messages":[{"role":"user","content":"Write a long story."}],"max_tokens":8000,"temperature":0,)"
           R"("stream":true,"logit_bias":{"151643":-100,"151645":-100},"session_id":")" + id + R"("})";
  };
  std::vector<std::vector<sse_event>> seen(2);
  {
    e2e_server first(db, {{"MAX_BATCH", "1"}}, "sigterm_first.log");  // one runs, one is queued
    sse_stream a(first.port(), "POST", "/v1/chat/completions", long_body("term-a"));
    seen[0].push_back(a.next().value());
    sse_stream b(first.port(), "POST", "/v1/chat/completions", long_body("term-b"));
    ASSERT_EQ(b.status(), 200);
    const auto t0 = std::chrono::steady_clock::now();
    first.process().signal(SIGTERM);
    for (auto& e : a.rest(10000)) seen[0].push_back(std::move(e));
    seen[1] = b.rest(10000);
    const auto rc = first.process().wait_for_exit(6000);
    ASSERT_TRUE(rc.has_value()) << "still running 6 s after SIGTERM\n" << first.log();
    EXPECT_EQ(*rc, 0) << first.log();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5)) << first.log();
  }
  for (const auto& events : seen) {
    ASSERT_GE(events.size(), 2u);
    EXPECT_EQ(events.back().data, "[DONE]");
    EXPECT_EQ(view_chunk(events[events.size() - 2].data).finish_reason, "interrupted");
  }

  e2e_server second(db, {}, "sigterm_second.log");
  for (const std::string id : {"term-a", "term-b"}) {
    SCOPED_TRACE(id);
    EXPECT_EQ(session_state(second.port(), id), "interrupted");
    sse_stream replay(second.port(), "GET", "/v1/sessions/" + id + "/events");
    const auto all = replay.rest();
    EXPECT_EQ(stream_problem(all, false), "");
    const auto& live = seen[id == "term-a" ? 0 : 1];
    ASSERT_EQ(all.size(), live.size()) << "the replay is exactly what the client saw live";
    for (size_t i = 0; i + 1 < all.size(); ++i) EXPECT_EQ(all[i].id, live[i].id);
  }
  EXPECT_EQ(second.log().find("interrupted by a restart"), std::string::npos) << "closed twice";
}
