// Crash safety: kill -9 the server mid-stream, restart it on the same SESSIONS_DB_PATH, and the
// session replays every event the client had received, then ends with finish_reason "interrupted".
#include <gtest/gtest.h>

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
