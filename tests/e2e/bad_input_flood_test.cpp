// Over a thousand generated malformed requests (tests/e2e/bad_request_generator.hpp) against one
// real server, a few at a time, while a long stream runs and /health is polled: no crash, every
// answer within 10 s, every error an OpenAI-shaped JSON body, and the stream completes. Requests
// broken at the HTTP framing level are held to the same rule (the framing screen answers them,
// http/request_framing.hpp); only requests that have not finished arriving get no answer, and must not.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <iostream>
#include <mutex>
#include <thread>

#include "config/json.hpp"
#include "tests/e2e/bad_request_generator.hpp"
#include "tests/e2e/e2e_server.hpp"
#include "tests/support/http_client.hpp"

using namespace vlserve::testing;

namespace {

constexpr uint64_t kSeed = 20261207;
constexpr int kWorkers = 6;
constexpr int kAnswerMs = 10000;
// How long an unfinished request is watched for an answer it must not get (its timeouts are 10 s
// and 120 s; e2e_framing sees the 408 at the header timeout).
constexpr int kUnfinishedWatchMs = 3000;
const std::string kKey = "flood-key-1234567890";

using clock_type = std::chrono::steady_clock;

struct outcome {
  int status = 0;  // 0: no answer (see failure)
  std::string content_type, body, failure;
  int64_t ms = 0;
};

outcome send(uint16_t port, const std::string& raw, int answer_ms = kAnswerMs) {
  outcome o;
  const auto t0 = clock_type::now();
  try {
    const auto r = http_exchange(port, raw, answer_ms);
    o.status = r.status;
    o.content_type = r.headers.count("content-type") ? r.headers.at("content-type") : "";
    o.body = r.body;
  } catch (const std::exception& e) {
    o.failure = e.what();
  }
  o.ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0).count();
  return o;
}

// "" when `body` is {"error":{"message":"…","type":"…","param":…,"code":…}} as OpenAI sends it.
std::string error_body_problem(const outcome& o) {
  if (o.content_type != "application/json") return "error with Content-Type '" + o.content_type + "'";
  rapidjson::Document d;
  d.Parse(o.body.c_str(), o.body.size());
  if (d.HasParseError() || !d.IsObject()) return "error body is not a JSON object";
  if (!d.HasMember("error") || !d["error"].IsObject()) return "no \"error\" object";
  const auto& e = d["error"];
  if (!e.HasMember("message") || !e["message"].IsString() || e["message"].GetStringLength() == 0)
    return "error.message missing or empty";
  if (!e.HasMember("type") || !e["type"].IsString()) return "error.type missing";
  if (!e.HasMember("param") || !(e["param"].IsString() || e["param"].IsNull())) return "error.param missing";
  if (!e.HasMember("code")) return "error.code missing";
  return "";
}

// "" when a 2xx body is a JSON object (application/json) or an SSE stream of JSON events.
std::string success_body_problem(const outcome& o) {
  if (o.status == 204) return o.body.empty() ? "" : "204 with a body";
  if (o.content_type == "application/json") {
    rapidjson::Document d;
    d.Parse(o.body.c_str(), o.body.size());
    return d.HasParseError() || !d.IsObject() ? "2xx body is not a JSON object" : "";
  }
  if (o.content_type.rfind("text/event-stream", 0) == 0) {
    size_t pos = 0, events = 0;
    while ((pos = o.body.find("data: ", pos)) != std::string::npos) {
      const auto eol = o.body.find('\n', pos);
      const std::string data = o.body.substr(pos + 6, eol - pos - 6);
      pos = eol;
      ++events;
      if (data == "[DONE]") continue;
      rapidjson::Document d;
      d.Parse(data.c_str(), data.size());
      if (d.HasParseError() || !d.IsObject()) return "SSE event is not JSON: " + data.substr(0, 80);
    }
    return events ? "" : "empty SSE stream";
  }
  return "2xx with Content-Type '" + o.content_type + "'";
}

std::string problem(const bad_request& c, const outcome& o) {
  if (c.expected == bad_expect::unfinished)
    return o.failure.find("timed out") != std::string::npos ? "" : "answered a request still arriving: " + o.failure;
  if (!o.failure.empty()) return o.failure + " after " + std::to_string(o.ms) + " ms";
  if (o.status >= 400 && o.status < 500) return error_body_problem(o);
  if (o.status >= 200 && o.status < 300) {
    if (c.expected == bad_expect::error) return "accepted (" + std::to_string(o.status) + ") a request that is invalid";
    return success_body_problem(o);
  }
  return "status " + std::to_string(o.status) + " " + error_body_problem(o);
}

std::string printable(const std::string& s, size_t max) {
  std::string out;
  for (unsigned char ch : s.substr(0, max)) {
    if (ch == '\r') out += "\\r";
    else if (ch == '\n') out += "\\n";
    else if (ch < 0x20 || ch >= 0x7f) out += "\\x" + std::string{"0123456789abcdef"[ch >> 4], "0123456789abcdef"[ch & 15]};
    else out += char(ch);
  }
  return s.size() > max ? out + "…" : out;
}

struct tally {
  std::mutex m;
  std::map<std::string, int> by_status, by_family;
  std::vector<std::string> failures;
  int unfinished = 0;
  int64_t max_ms = 0;
  std::string slowest;
};

generator_inputs inputs() {
  const std::string media = fixtures_dir() + "/qwen3vl-tiny/media/";
  return {kKey, "flood-done",
          {read_text(media + "rgba_64x48.png"), read_text(media + "chart_160x96.png")},
          read_text(media + "clip_120x90_8fps.mp4")};
}

TEST(BadInputFlood, GeneratedMalformedRequestsGetJsonErrorsInTimeWhileAStreamRuns) {
  // UI=0: the API is what is flooded; GET / (the chat page, HTML) has its own suites.
  e2e_server server(fresh_dir("bad_input_flood_db"), {{"API_KEY", kKey}, {"MAX_TOKENS", "4"}, {"UI", "0"}},
                    "bad_input_flood.log");
  const auto port = server.port();
  const std::map<std::string, std::string> auth = {{"Authorization", "Bearer " + kKey}};
  ASSERT_EQ(http_request(port, "POST", "/v1/chat/completions",
                         R"({"messages":[{"role":"user","content":"hi"}],"max_tokens":3,"session_id":"flood-done"})",
                         auth)
                .status,
            200);

  const auto cases = generate_bad_requests(kSeed, inputs());
  ASSERT_GE(cases.size(), 1000u);

  const std::string long_body =
      R"({"messages":[{"role":"user","content":"Write a long story."}],"max_tokens":300,"temperature":0,)"
      R"("stream":true,"stream_options":{"include_usage":true},"session_id":"flood-long"})";
  sse_stream stream(port, "POST", "/v1/chat/completions", long_body, auth);
  ASSERT_EQ(stream.status(), 200);
  std::vector<sse_event> events{stream.next().value()};
  auto rest = std::async(std::launch::async, [&] { return stream.rest(60000); });

  std::atomic<bool> flooding{true};
  std::atomic<int64_t> health_max_ms{0};
  std::atomic<int> health_failures{0};
  std::thread health([&] {
    while (flooding) {
      const auto t0 = clock_type::now();
      try {
        if (http_request(port, "GET", "/health", {}, {}, kAnswerMs).status != 200) ++health_failures;
      } catch (const std::exception&) {
        ++health_failures;
      }
      const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0).count();
      health_max_ms = std::max<int64_t>(health_max_ms, ms);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });

  tally t;
  auto record = [&](const bad_request& c, const outcome& o) {
    const std::string p = problem(c, o);
    std::lock_guard lock(t.m);
    ++t.by_status[o.status ? std::to_string(o.status) : "no answer"];
    ++t.by_family[c.family];
    if (c.expected == bad_expect::unfinished) ++t.unfinished;
    if (o.ms > t.max_ms && c.expected != bad_expect::unfinished) {
      t.max_ms = o.ms;
      t.slowest = printable(c.what, 80);
    }
    if (p.empty()) return;
    // Cases and answers hold raw bytes; gtest's XML report must not.
    const std::string line = "[" + c.family + "] " + printable(c.what, 80) + ": " + printable(p, 120) + " | sent " +
                             printable(c.raw, 160) + " | got " + printable(o.body, 160);
    t.failures.push_back(line);
  };

  // Unfinished requests are watched in their own threads, so their waits overlap with the flood.
  std::vector<std::thread> unfinished;
  for (const auto& c : cases)
    if (c.expected == bad_expect::unfinished)
      unfinished.emplace_back([&, &c = c] { record(c, send(port, c.raw, kUnfinishedWatchMs)); });

  const auto t0 = clock_type::now();
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&] {
      for (size_t i; (i = next++) < cases.size();)
        if (cases[i].expected != bad_expect::unfinished) record(cases[i], send(port, cases[i].raw));
    });
  for (auto& w : workers) w.join();
  for (auto& u : unfinished) u.join();
  const double seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
  flooding = false;
  health.join();

  ASSERT_FALSE(server.process().wait_for_exit(0).has_value()) << "vlserve died:\n" << server.log();
  EXPECT_EQ(http_request(port, "GET", "/health").status, 200);
  for (auto& e : rest.get()) events.push_back(std::move(e));
  EXPECT_EQ(stream_problem(events, true), "") << "the stream beside the flood";
  EXPECT_EQ(view_chunk(events[events.size() - 2].data).completion_tokens, 300);

  std::cout << "bad-input flood: " << cases.size() << " requests in " << seconds << " s (" << kWorkers
            << " at a time, seed " << kSeed << "); slowest answer " << t.max_ms << " ms (" << t.slowest
            << "); /health max " << health_max_ms << " ms\n  by status:";
  for (const auto& [s, n] : t.by_status) std::cout << " " << s << "=" << n;
  std::cout << "\n  by family:";
  for (const auto& [f, n] : t.by_family) std::cout << " " << f << "=" << n;
  std::cout << "\n  unfinished requests left waiting, as they should be: " << t.unfinished << "\n";
  EXPECT_EQ(health_failures, 0);
  EXPECT_LT(health_max_ms, kAnswerMs);
  EXPECT_EQ(t.failures.size(), 0u);
  for (size_t i = 0; i < t.failures.size() && i < 40; ++i) ADD_FAILURE() << t.failures[i];
}

}  // namespace
