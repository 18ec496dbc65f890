// Runs tests/hub/fake_hub.py on a free loopback port for one test, with a scratch directory for the
// cache, and reads back the requests it logged.
#pragma once

#include "tests/support/temp_dir.hpp"

#include <memory>
#include <string>
#include <vector>

#include "hub/hub_options.hpp"
#include "tests/support/child_process.hpp"

namespace vlserve::testing {

struct fake_hub_options {
  std::string token;     // the gated repo's token
  std::string cut_once;  // file whose first blob GET is cut halfway
  std::string corrupt;   // file served with one byte flipped
};

struct logged_request {
  std::string method;
  std::string path;
  std::string range;
  bool auth = false;
};

// A scratch directory removed when the object goes away.
using scratch_dir = temp_dir;

class fake_hub {
 public:
  explicit fake_hub(const std::string& work_dir, const fake_hub_options& opts = {});
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<logged_request> requests() const;
  void stop() { process_.reset(); }

 private:
  uint16_t port_ = 0;
  std::string log_path_;
  std::unique_ptr<child_process> process_;
};

// Options for repo_id in a cache under work_dir, fast retries, talking to endpoint.
hub::hub_options test_options(const std::string& work_dir, const std::string& endpoint,
                              const std::string& repo_id);
std::string fixture_model_dir();
std::string read_file(const std::string& path);
std::string git_blob_sha1(const std::string& content);
std::string sha256_hex(const std::string& content);

}  // namespace vlserve::testing
