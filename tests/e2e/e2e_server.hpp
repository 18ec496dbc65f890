// The real `vlserve serve` on a free loopback port with the tiny fixture model, plus the small
// request/inspection helpers every end-to-end suite uses.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/json.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/sse_stream.hpp"

namespace vlserve::testing {

class e2e_server {
 public:
  // Starts the server on `db_dir` (created when missing) and waits until /health says ready.
  explicit e2e_server(std::string db_dir, std::map<std::string, std::string> extra_env = {},
                      std::string log_name = "vlserve_e2e.log");
  uint16_t port() const { return port_; }
  const std::string& db_dir() const { return db_dir_; }
  child_process& process() { return *process_; }
  std::string log() const { return process_->log(); }
  // SIGKILL, as a crash would.
  void kill_hard();

 private:
  std::string db_dir_;
  uint16_t port_;
  std::unique_ptr<child_process> process_;
};

// `text` parsed as a JSON object; throws naming `what` when it is not one.
rapidjson::Document parse_object(const std::string& text, const std::string& what = "response");
// A fresh empty directory under the gtest temp dir.
std::string fresh_dir(const std::string& name);
// The text file at `path` (throws when unreadable).
std::string read_text(const std::string& path);
// The `request` object of tests/fixtures/qwen3vl-tiny/cases/<name>.json, serialised.
std::string fixture_request(const std::string& case_name);
// The case's `generated_ids`.
std::vector<int32_t> fixture_generated_ids(const std::string& case_name);
// `body` (a JSON object) with `key` set to a raw JSON value, e.g. with_field(b, "stream", "true").
std::string with_field(const std::string& body, const std::string& key, const std::string& json_value);

// The value of one unlabelled metric line in GET /metrics (throws when absent).
double metric(uint16_t port, const std::string& name);
// GET /v1/sessions/{id} → the "state" field, or the HTTP status as text when not 200.
std::string session_state(uint16_t port, const std::string& id);
// GET /v1/sessions/{id} → "event_count".
int64_t session_event_count(uint16_t port, const std::string& id);

// The parsed chunk fields tests compare: delta text, finish_reason and usage.
struct chunk_view {
  std::string reasoning, content, finish_reason;
  bool has_role = false, has_usage = false;
  int64_t prompt_tokens = 0, completion_tokens = 0, reasoning_tokens = 0;
};
chunk_view view_chunk(const std::string& data);

// Checks the shape of a complete stream (ids 0..n-1 of one session, one role first, one
// finish_reason, usage last when asked, `[DONE]` at the end); returns "" or what is wrong.
std::string stream_problem(const std::vector<sse_event>& events, bool include_usage);

}  // namespace vlserve::testing
