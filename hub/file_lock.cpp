#include "hub/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <thread>

#include "hub/hub_error.hpp"

namespace vlserve::hub {

file_lock::file_lock(const std::string& path, int timeout_s) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw hub_error(hub_error_kind::cache_not_writable,
                    "cannot create the lock file " + path + ": check that HF_HUB_CACHE is writable");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) break;  // a filesystem without flock: go on unlocked
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd_);
      throw hub_error(hub_error_kind::network,
                      "another process has held " + path + " for more than " + std::to_string(timeout_s) +
                          " s while downloading the same file; wait for it or stop it");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

file_lock::~file_lock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace vlserve::hub
