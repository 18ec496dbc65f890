#include "tests/media/media_test_support.hpp"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "tests/support/http_client.hpp"

namespace vlserve::testing {
namespace fs = std::filesystem;
media_server::media_server() {
  port_ = free_port();
  const std::vector<std::string> args{fixtures_dir() + "/../media/media_server.py", "--port", std::to_string(port_),
                                      "--image", fixture_image_path()};
  process_ = std::make_unique<child_process>(find_on_path("python3"), args, std::map<std::string, std::string>{},
                                             log_dir_.path() + "/media_server.log");
  for (int i = 0; i < 250; ++i) {  // up to 5 s for python to start
    try {
      if (http_request(port_, "GET", "/_health", {}, {}, 1000).status == 200) return;
    } catch (const std::exception&) {
    }
    if (process_->wait_for_exit(20)) break;
  }
  throw std::runtime_error("the media server did not start: " + process_->log());
}

int media_server::request_count() const { return std::stoi(http_request(port_, "GET", "/_count").body); }

std::vector<uint8_t> file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string base64_encode(const std::vector<uint8_t>& bytes) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t group = uint32_t(bytes[i]) << 16;
    if (n > 1) group |= uint32_t(bytes[i + 1]) << 8;
    if (n > 2) group |= uint32_t(bytes[i + 2]);
    for (size_t k = 0; k < 4; ++k) out += k <= n ? alphabet[(group >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

std::string fixture_image_path() { return fixtures_dir() + "/qwen3vl-tiny/media/chart_160x96.png"; }

}  // namespace vlserve::testing
