// Helpers for the media tests: the loopback media server (media_server.py) as a child process, a
// scratch directory, file bytes and a base64 encoder to build data: URLs.
#pragma once

#include "tests/support/temp_dir.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"

namespace vlserve::testing {

using media_scratch_dir = temp_dir;

class media_server {
 public:
  media_server();  // throws when python3 is missing or the server does not answer within 5 s
  uint16_t port() const { return port_; }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  int request_count() const;  // requests other than the harness's own

 private:
  media_scratch_dir log_dir_;  // the server's stderr, removed with it
  uint16_t port_ = 0;
  std::unique_ptr<child_process> process_;
};

std::vector<uint8_t> file_bytes(const std::string& path);
void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes);
std::string base64_encode(const std::vector<uint8_t>& bytes);
std::string fixture_image_path();  // a small PNG from tests/fixtures

}  // namespace vlserve::testing
