#include "tests/e2e/e2e_server.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "config/json.hpp"
#include "tests/support/http_client.hpp"

namespace vlserve::testing {
namespace {

std::string serialise(const rapidjson::Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return sb.GetString();
}

}  // namespace

e2e_server::e2e_server(std::string db_dir, std::map<std::string, std::string> extra_env, std::string log_name)
    : db_dir_(std::move(db_dir)), port_(free_port()) {
  std::filesystem::create_directories(db_dir_);
  std::map<std::string, std::string> env = {{"HOST", "127.0.0.1"},
                                            {"PORT", std::to_string(port_)},
                                            {"MODEL_REPO_ID", fixtures_dir() + "/qwen3vl-tiny/model"},
                                            {"TORCH_DTYPE", "float32"},
                                            {"SESSIONS_DB_PATH", db_dir_},
                                            {"PERSIST_SESSIONS", "1"},
                                            {"LOG_LEVEL", "info"},
                                            // the fixture requests name their model "qwen3-vl"
                                            {"SERVED_MODEL_NAME", "qwen3-vl"}};
  for (auto& [k, v] : extra_env) env[k] = v;
  // With PROTECT_METRICS=1 even /health needs a key: poll it with the first one.
  std::map<std::string, std::string> auth;
  if (env.count("API_KEY") && !env["API_KEY"].empty())
    auth["Authorization"] = "Bearer " + env["API_KEY"].substr(0, env["API_KEY"].find(','));
  process_ = std::make_unique<child_process>(vlserve_binary(), std::vector<std::string>{"serve"}, env,
                                             ::testing::TempDir() + log_name);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (process_->wait_for_exit(1)) throw std::runtime_error("vlserve exited during start-up:\n" + log());
    try {
      const auto h = http_request(port_, "GET", "/health", {}, auth, 2000);
      if (h.status == 200) return;
      if (h.body.find("\"error\"") != std::string::npos) throw std::runtime_error("model failed: " + h.body);
    } catch (const std::runtime_error& e) {
      if (std::string(e.what()).rfind("model failed", 0) == 0) throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("vlserve was not ready within 30 s:\n" + log());
}

void e2e_server::kill_hard() {
  process_->signal(SIGKILL);
  if (!process_->wait_for_exit(5000)) throw std::runtime_error("vlserve survived SIGKILL for 5 s");
}

rapidjson::Document parse_object(const std::string& text, const std::string& what) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  if (d.HasParseError() || !d.IsObject()) throw std::runtime_error(what + " is not a JSON object: " + text);
  return d;
}

std::string fresh_dir(const std::string& name) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string fixture_request(const std::string& case_name) {
  const auto path = fixtures_dir() + "/qwen3vl-tiny/cases/" + case_name + ".json";
  auto d = parse_object(read_text(path), path);
  if (!d.HasMember("request")) throw std::runtime_error(path + " has no request");
  return serialise(d["request"]);
}

std::vector<int32_t> fixture_generated_ids(const std::string& case_name) {
  const auto path = fixtures_dir() + "/qwen3vl-tiny/cases/" + case_name + ".json";
  auto d = parse_object(read_text(path), path);
  std::vector<int32_t> ids;
  for (const auto& v : d["generated_ids"].GetArray()) ids.push_back(v.GetInt());
  return ids;
}

std::string with_field(const std::string& body, const std::string& key, const std::string& json_value) {
  auto d = parse_object(body, "request body");
  rapidjson::Document v(&d.GetAllocator());
  v.Parse(json_value.c_str());
  if (v.HasParseError()) throw std::runtime_error("bad JSON value for " + key + ": " + json_value);
  rapidjson::Value k(key.c_str(), d.GetAllocator());
  d.RemoveMember(key.c_str());
  d.AddMember(k, rapidjson::Value(v, d.GetAllocator()), d.GetAllocator());
  return serialise(d);
}

double metric(uint16_t port, const std::string& name) {
  const auto r = http_request(port, "GET", "/metrics");
  std::istringstream in(r.body);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
  throw std::runtime_error("metric " + name + " not in /metrics:\n" + r.body);
}

std::string session_state(uint16_t port, const std::string& id) {
  const auto r = http_request(port, "GET", "/v1/sessions/" + id);
  if (r.status != 200) return std::to_string(r.status);
  return parse_object(r.body, "session")["state"].GetString();
}

int64_t session_event_count(uint16_t port, const std::string& id) {
  const auto r = http_request(port, "GET", "/v1/sessions/" + id);
  if (r.status != 200) throw std::runtime_error("GET /v1/sessions/" + id + " → " + std::to_string(r.status));
  return parse_object(r.body, "session")["event_count"].GetInt64();
}

chunk_view view_chunk(const std::string& data) {
  auto d = parse_object(data, "chunk");
  chunk_view v;
  if (d.HasMember("usage") && d["usage"].IsObject()) {
    const auto& u = d["usage"];
    v.has_usage = true;
    v.prompt_tokens = u["prompt_tokens"].GetInt64();
    v.completion_tokens = u["completion_tokens"].GetInt64();
    if (u.HasMember("completion_tokens_details"))
      v.reasoning_tokens = u["completion_tokens_details"]["reasoning_tokens"].GetInt64();
  }
  const auto& choices = d["choices"].GetArray();
  if (choices.Empty()) return v;
  const auto& c = choices[0];
  if (c["finish_reason"].IsString()) v.finish_reason = c["finish_reason"].GetString();
  const auto& delta = c["delta"];
  v.has_role = delta.HasMember("role");
  if (delta.HasMember("reasoning_content") && delta["reasoning_content"].IsString())
    v.reasoning = delta["reasoning_content"].GetString();
  if (delta.HasMember("content") && delta["content"].IsString()) v.content = delta["content"].GetString();
  return v;
}

std::string stream_problem(const std::vector<sse_event>& events, bool include_usage) {
  if (events.size() < 2) return "fewer than 2 events";
  if (events.back().data != "[DONE]" || !events.back().id.empty()) return "last event is not data: [DONE]";
  const auto session = event_session(events.front());
  size_t finishes = 0;
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    const auto& e = events[i];
    if (event_session(e) != session || event_index(e) != i)
      return "event " + std::to_string(i) + " has id " + e.id;
    const auto v = view_chunk(e.data);
    if (v.has_role != (i == 0)) return "role in event " + std::to_string(i);
    if (!v.finish_reason.empty()) ++finishes;
    const bool last = i + 2 == events.size();
    if (include_usage && v.has_usage != last) return "usage in event " + std::to_string(i);
  }
  if (finishes != 1) return std::to_string(finishes) + " events carry a finish_reason";
  return "";
}

}  // namespace vlserve::testing
