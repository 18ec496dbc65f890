// A read-only memory map of a whole file (RAII). Checkpoints are mapped rather than read so that
// loading a 4 GB file costs page faults on the tensors actually used, not a 4 GB copy up front.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace vlserve::model {

class mapped_file {
 public:
  // Throws checkpoint_error naming the path when the file cannot be opened or mapped.
  explicit mapped_file(const std::string& path);
  ~mapped_file();
  mapped_file(const mapped_file&) = delete;
  mapped_file& operator=(const mapped_file&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace vlserve::model
