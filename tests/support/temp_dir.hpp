// A fresh directory under $TMPDIR (or /tmp) for one test, removed with everything in it at scope exit.
#pragma once

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

}  // namespace vlserve::testing
