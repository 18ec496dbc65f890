// Starts a program (the real vlserve binary) as a child process with extra environment, captures
// its stderr into a file, and stops it with a signal.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vlserve::testing {

class child_process {
 public:
  child_process(const std::string& program, const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env, const std::string& log_path);
  ~child_process();  // SIGKILLs a child that is still running
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  void signal(int sig);
  // Exit status (or 128+signal) once the child has ended within timeout_ms, else nullopt.
  std::optional<int> wait_for_exit(int timeout_ms);
  pid_t pid() const { return pid_; }
  std::string log() const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  bool reaped_ = false;
};

// The first `program` found on PATH (e.g. "python3" for the loopback test servers); throws when none is.
std::string find_on_path(const std::string& program);

// Path of the vlserve binary under test (from VLSERVE_BIN).
std::string vlserve_binary();
// The repository's tests/fixtures directory (from VLSERVE_FIXTURES).
std::string fixtures_dir();

}  // namespace vlserve::testing
