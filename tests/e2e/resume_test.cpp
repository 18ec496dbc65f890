// Resumable streams through the real server: drop a long greedy stream after k events, reconnect
// (Last-Event-ID header, ?last_event_id=, GET /v1/sessions/{id}/events) and check the joined events
// equal an uninterrupted run of the same request and the session's own full replay.
#include <gtest/gtest.h>

#include "tests/e2e/e2e_server.hpp"
#include "tests/support/http_client.hpp"

using namespace vlserve::testing;

namespace {

constexpr size_t kDropAfter = 5;

std::string long_request(const std::string& session_id) {
  auto body = with_field(fixture_request("text_single"), "max_tokens", "200");
  body = with_field(body, "temperature", "0");
  body = with_field(body, "stream", "true");
  body = with_field(body, "stream_options", R"({"include_usage":true})");
  return with_field(body, "session_id", "\"" + session_id + "\"");
}

class Resume : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new e2e_server(fresh_dir("resume_db"), {}, "resume.log");
    sse_stream s(server_->port(), "POST", "/v1/chat/completions", long_request("resume-base"));
    baseline_ = new std::vector<sse_event>(s.rest());
  }
  static void TearDownTestSuite() {
    delete baseline_;
    delete server_;
  }

  // Starts session `id`, keeps the first kDropAfter events and drops the connection mid-stream.
  std::vector<sse_event> start_and_drop(const std::string& id) {
    sse_stream s(server_->port(), "POST", "/v1/chat/completions", long_request(id));
    EXPECT_EQ(s.status(), 200);
    std::vector<sse_event> got;
    for (size_t i = 0; i < kDropAfter; ++i) got.push_back(s.next().value());
    s.close();
    // The resume must join a live stream, not a finished one.
    EXPECT_EQ(session_state(server_->port(), id), "running");
    return got;
  }

  // The joined events carry the same deltas as the uninterrupted run and replay identically.
  void check_joined(const std::string& id, const std::vector<sse_event>& joined) {
    const auto& base = *baseline_;
    ASSERT_EQ(stream_problem(base, true), "");
    ASSERT_GT(base.size(), 150u) << "the baseline stream is too short to drop mid-way";
    EXPECT_EQ(stream_problem(joined, true), "");
    ASSERT_EQ(joined.size(), base.size());
    for (size_t i = 0; i + 1 < base.size(); ++i) {
      const auto a = view_chunk(base[i].data), b = view_chunk(joined[i].data);
      EXPECT_EQ(b.reasoning, a.reasoning) << "event " << i;
      EXPECT_EQ(b.content, a.content) << "event " << i;
      EXPECT_EQ(b.finish_reason, a.finish_reason) << "event " << i;
      EXPECT_EQ(b.completion_tokens, a.completion_tokens) << "event " << i;
      EXPECT_EQ(joined[i].id, id + ":" + std::to_string(i));
    }
    sse_stream replay(server_->port(), "GET", "/v1/sessions/" + id + "/events");
    const auto all = replay.rest();
    ASSERT_EQ(all.size(), joined.size());
    for (size_t i = 0; i < all.size(); ++i) {
      EXPECT_EQ(all[i].id, joined[i].id);
      EXPECT_EQ(all[i].data, joined[i].data) << "event " << i;
    }
  }

  static e2e_server* server_;
  static std::vector<sse_event>* baseline_;
};
e2e_server* Resume::server_ = nullptr;
std::vector<sse_event>* Resume::baseline_ = nullptr;

std::string last_id(const std::string& id) { return id + ":" + std::to_string(kDropAfter - 1); }

TEST_F(Resume, LastEventIdHeaderOnPost) {
  auto joined = start_and_drop("resume-hdr");
  sse_stream s(server_->port(), "POST", "/v1/chat/completions", "{}", {{"Last-Event-ID", last_id("resume-hdr")}});
  ASSERT_EQ(s.status(), 200);
  for (auto& e : s.rest()) joined.push_back(std::move(e));
  check_joined("resume-hdr", joined);
}

TEST_F(Resume, LastEventIdQueryParameter) {
  auto joined = start_and_drop("resume-query");
  sse_stream s(server_->port(), "POST", "/v1/chat/completions?last_event_id=" + last_id("resume-query"), "{}");
  ASSERT_EQ(s.status(), 200);
  for (auto& e : s.rest()) joined.push_back(std::move(e));
  check_joined("resume-query", joined);
}

TEST_F(Resume, SessionEventsRoute) {
  auto joined = start_and_drop("resume-get");
  sse_stream s(server_->port(), "GET", "/v1/sessions/resume-get/events", {},
               {{"Last-Event-ID", last_id("resume-get")}});
  ASSERT_EQ(s.status(), 200);
  EXPECT_EQ(s.headers().at("content-type"), "text/event-stream");
  for (auto& e : s.rest()) joined.push_back(std::move(e));
  check_joined("resume-get", joined);
}

TEST_F(Resume, ResumeOfAFinishedSessionReplaysTheTail) {
  const auto& base = *baseline_;
  const auto from = base.size() - 4;  // the last two deltas, the usage event and [DONE]
  sse_stream s(server_->port(), "GET", "/v1/sessions/resume-base/events", {},
               {{"Last-Event-ID", "resume-base:" + std::to_string(from - 1)}});
  const auto tail = s.rest();
  ASSERT_EQ(tail.size(), 4u);
  EXPECT_EQ(tail[0].retry, "3000") << "the first block tells EventSource how long to wait";
  for (size_t i = 0; i < tail.size(); ++i) {
    EXPECT_EQ(tail[i].id, base[from + i].id);
    EXPECT_EQ(tail[i].data, base[from + i].data);
  }
}

}  // namespace

namespace {

std::map<std::string, std::string> last_event(const std::string& value) { return {{"Last-Event-ID", value}}; }

}  // namespace

TEST_F(Resume, NothingAfterTheFinalEventEndsTheStream) {
  const uint64_t final_index = baseline_->size() - 2;  // the usage event; [DONE] has no id
  for (const std::string index : {std::to_string(final_index), std::to_string(final_index + 7),
                                  std::string("18446744073709551615")}) {
    SCOPED_TRACE(index);
    // GET: 204 No Content, which stops an EventSource from reconnecting.
    const auto r = http_request(server_->port(), "GET", "/v1/sessions/resume-base/events", {},
                                last_event("resume-base:" + index));
    EXPECT_EQ(r.status, 204);
    EXPECT_TRUE(r.body.empty()) << r.body;
    // POST: the OpenAI clients get their [DONE] and nothing else.
    sse_stream s(server_->port(), "POST", "/v1/chat/completions", "{}", last_event("resume-base:" + index));
    ASSERT_EQ(s.status(), 200);
    const auto rest = s.rest(5000);
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_EQ(rest[0].data, "[DONE]");
  }
}

TEST_F(Resume, IndicesAreChecked64BitNumbers) {
  for (const char* bad : {"resume-base:18446744073709551616", "resume-base:99999999999999999999999",
                          "resume-base:abc", "resume-base:-1", "resume-base:+1"}) {
    SCOPED_TRACE(bad);
    for (const char* method : {"GET", "POST"}) {
      const auto path = std::string(method) == "GET" ? "/v1/sessions/resume-base/events" : "/v1/chat/completions";
      const auto r = http_request(server_->port(), method, path, "{}", last_event(bad));
      EXPECT_EQ(r.status, 400) << method << " " << r.body;
      EXPECT_NE(r.body.find("\"last_event_id\""), std::string::npos) << r.body;
    }
  }
}

TEST_F(Resume, QueryValuesArePercentDecoded) {
  const auto& base = *baseline_;
  const auto from = base.size() - 3;  // replays the finish event, the usage event and [DONE]
  const auto cursor = "resume-base%3A" + std::to_string(from - 1);  // what encodeURIComponent sends
  for (const auto& [method, path] :
       {std::pair<std::string, std::string>{"POST", "/v1/chat/completions"}, {"GET", "/v1/sessions/resume-base/events"}}) {
    SCOPED_TRACE(method);
    sse_stream s(server_->port(), method, path + "?last_event_id=" + cursor, method == "POST" ? "{}" : "");
    ASSERT_EQ(s.status(), 200);
    const auto tail = s.rest();
    ASSERT_EQ(tail.size(), 3u);
    for (size_t i = 0; i < tail.size(); ++i) EXPECT_EQ(tail[i].id, base[from + i].id);
  }
}
