// An exclusive flock on a lock file, the same file huggingface_hub locks (.locks/<repo>/<etag>.lock),
// so two processes (or two threads: each holds its own open file) never write one blob at once.
#pragma once

#include <string>

namespace vlserve::hub {

class file_lock {
 public:
  // Waits up to timeout_s (polling), then throws hub_error naming the lock file.
  file_lock(const std::string& path, int timeout_s);
  ~file_lock();
  file_lock(const file_lock&) = delete;
  file_lock& operator=(const file_lock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace vlserve::hub
