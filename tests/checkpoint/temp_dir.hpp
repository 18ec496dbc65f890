// A fresh directory under $TMPDIR (or /tmp) removed with its contents at scope exit, plus helpers
// to write raw bytes; used by the checkpoint and text tests.
#pragma once

#include <cstdint>
#include <string>

namespace vlserve::testing {

class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void write_bytes(const std::string& path, const std::string& bytes);
std::string read_bytes(const std::string& path);
// A safetensors file from a literal header and data block (for corrupt-file tests).
std::string safetensors_bytes(const std::string& header_json, const std::string& data);

}  // namespace vlserve::testing
