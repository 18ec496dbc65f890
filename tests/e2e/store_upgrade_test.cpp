// Upgrade safety: session stores written by the format-1 release (tests/fixtures/store_format_v1,
// event records without a format tag) and by the format-2 release (tests/fixtures/store_format_v2,
// finish_reason as text, failures as HTTP statuses) still replay every event through the current
// binary, and new sessions on the same store are written in the current format beside them.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "tests/e2e/e2e_server.hpp"
#include "tests/support/http_client.hpp"

using namespace vlserve::testing;

namespace {

// The SSE stream the old release sent: "id:" / "data:" line pairs.
std::vector<sse_event> recorded_stream(const std::string& text) {
  std::vector<sse_event> out;
  std::istringstream in(text);
  std::string line;
  sse_event ev;
  while (std::getline(in, line)) {
    if (line.rfind("id: ", 0) == 0) ev.id = line.substr(4);
    if (line.rfind("data: ", 0) == 0) {
      ev.data = line.substr(6);
      out.push_back(ev);
      ev = sse_event{};
    }
  }
  return out;
}

}  // namespace

TEST(StoreUpgrade, FormatOneSessionReplaysThroughTheCurrentRelease) {
  const std::string fixture = std::string(std::getenv("VLSERVE_FIXTURES")) + "/store_format_v1";
  const auto db = fresh_dir("upgrade_db");
  std::filesystem::copy_file(fixture + "/data.mdb", db + "/data.mdb");
  const auto before = recorded_stream(read_text(fixture + "/stream.txt"));
  ASSERT_EQ(before.size(), 14u);  // 12 tokens, the usage chunk, [DONE]

  e2e_server server(db, {}, "store_upgrade.log");
  EXPECT_EQ(session_state(server.port(), "legacy-v1"), "finished");
  sse_stream replay(server.port(), "GET", "/v1/sessions/legacy-v1/events");
  ASSERT_EQ(replay.status(), 200);
  const auto after = replay.rest();
  EXPECT_EQ(stream_problem(after, true), "");
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(after[i].id, before[i].id);
    if (before[i].data == "[DONE]") {
      EXPECT_EQ(after[i].data, "[DONE]");
      continue;
    }
    const chunk_view old_chunk = view_chunk(before[i].data);
    if (!old_chunk.has_usage) {
      EXPECT_EQ(after[i].data, before[i].data) << "event " << i;
      continue;
    }
    // The usage chunk gains prompt_tokens_details; the counts are the stored ones.
    const chunk_view new_chunk = view_chunk(after[i].data);
    EXPECT_EQ(new_chunk.prompt_tokens, old_chunk.prompt_tokens);
    EXPECT_EQ(new_chunk.completion_tokens, old_chunk.completion_tokens);
    EXPECT_EQ(new_chunk.reasoning_tokens, old_chunk.reasoning_tokens);
    EXPECT_NE(after[i].data.find("\"cached_tokens\":0"), std::string::npos) << after[i].data;
  }

  // The same store takes new sessions (current format) and still serves the old one.
  const auto fresh = http_request(server.port(), "POST", "/v1/chat/completions",
                                  R"({"messages":[{"role":"user","content":"hi"}],"max_tokens":3,"session_id":"after-upgrade"})");
  EXPECT_EQ(fresh.status, 200) << fresh.body;
  EXPECT_NE(fresh.body.find("\"prompt_tokens_details\""), std::string::npos) << fresh.body;
  EXPECT_EQ(session_state(server.port(), "legacy-v1"), "finished");
}

// Format 2 -> 3: the finish reasons (length, cancelled) and the session flags (include_usage,
// logprobs) come back from their old text forms, so the replay is the old stream byte for byte.
TEST(StoreUpgrade, FormatTwoSessionsReplayByteForByte) {
  const std::string fixture = std::string(std::getenv("VLSERVE_FIXTURES")) + "/store_format_v2";
  const auto db = fresh_dir("upgrade_v2_db");
  std::filesystem::copy_file(fixture + "/data.mdb", db + "/data.mdb");
  e2e_server server(db, {}, "store_upgrade_v2.log");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"legacy-v2", "stream.txt"}, {"legacy-v2-cancelled", "stream_cancelled.txt"}};
  for (const auto& [id, file] : cases) {
    const auto before = recorded_stream(read_text(fixture + "/" + file));
    ASSERT_GT(before.size(), 3u) << file;
    EXPECT_EQ(session_state(server.port(), id), id == "legacy-v2" ? "finished" : "cancelled");
    sse_stream replay(server.port(), "GET", "/v1/sessions/" + id + "/events");
    ASSERT_EQ(replay.status(), 200);
    const auto after = replay.rest();
    EXPECT_EQ(stream_problem(after, id == "legacy-v2"), "") << id;
    ASSERT_EQ(after.size(), before.size()) << id;
    for (size_t i = 0; i < before.size(); ++i) {
      EXPECT_EQ(after[i].id, before[i].id) << id << " event " << i;
      EXPECT_EQ(after[i].data, before[i].data) << id << " event " << i;
    }
  }
}
