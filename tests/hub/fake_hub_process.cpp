#include "tests/hub/fake_hub_process.hpp"

#include <openssl/evp.h>
#include <stdlib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "config/json.hpp"
#include "tests/support/http_client.hpp"

namespace vlserve::testing {
namespace fs = std::filesystem;
namespace {

std::string digest_hex(const EVP_MD* md, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (unsigned int i = 0; i < len; ++i) s += {hex[out[i] >> 4], hex[out[i] & 15]};
  return s;
}

}  // namespace

fake_hub::fake_hub(const std::string& work_dir, const fake_hub_options& opts) {
  port_ = free_port();
  log_path_ = work_dir + "/fake_hub_requests.jsonl";
  std::vector<std::string> args{fixtures_dir() + "/../hub/fake_hub.py", "--port", std::to_string(port_),
                                "--model-dir", fixture_model_dir(), "--log", log_path_};
  if (!opts.token.empty()) args.insert(args.end(), {"--token", opts.token});
  if (!opts.cut_once.empty()) args.insert(args.end(), {"--cut-once", opts.cut_once});
  if (!opts.corrupt.empty()) args.insert(args.end(), {"--corrupt", opts.corrupt});
  process_ = std::make_unique<child_process>(find_on_path("python3"), args, std::map<std::string, std::string>{},
                                             work_dir + "/fake_hub_stderr.log");
  for (int i = 0; i < 250; ++i) {  // up to 5 s for python to start and hash the fixture files
    try {
      if (http_request(port_, "GET", "/_health", {}, {}, 1000).status == 200) {
        fs::remove(log_path_);  // the readiness probes are not part of any test
        return;
      }
    } catch (const std::exception&) {
    }
    if (process_->wait_for_exit(20)) break;
  }
  throw std::runtime_error("the fake hub did not start: " + process_->log());
}

std::vector<logged_request> fake_hub::requests() const {
  std::vector<logged_request> out;
  std::ifstream in(log_path_);
  std::string line;
  while (std::getline(in, line)) {
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    if (doc.HasParseError() || !doc.IsObject()) continue;
    out.push_back({doc["method"].GetString(), doc["path"].GetString(), doc["range"].GetString(),
                   doc["auth"].GetBool()});
  }
  return out;
}

hub::hub_options test_options(const std::string& work_dir, const std::string& endpoint,
                              const std::string& repo_id) {
  hub::hub_options o;
  o.repo_id = repo_id;
  o.endpoint = endpoint;
  o.cache_dir = work_dir + "/hub-cache";
  o.retry_base_delay_ms = 10;
  o.max_attempts = 3;
  o.connect_timeout_s = 5;
  o.stall_timeout_s = 10;
  o.lock_timeout_s = 30;
  return o;
}

std::string fixture_model_dir() { return fixtures_dir() + "/qwen3vl-tiny/model"; }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string git_blob_sha1(const std::string& content) {
  std::string blob = "blob " + std::to_string(content.size());
  blob.push_back('\0');
  return digest_hex(EVP_sha1(), blob + content);
}

std::string sha256_hex(const std::string& content) { return digest_hex(EVP_sha256(), content); }

}  // namespace vlserve::testing
