// Adds up the bytes of all parallel downloads and reports them (percent, rate, ETA) through the
// caller's callback, throttled, from whichever download thread has news.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "hub/hub_options.hpp"

namespace vlserve::hub {

class progress_meter {
 public:
  progress_meter(progress_callback callback, int files_total, uint64_t bytes_total);

  // Bytes found on disk (a resumed .incomplete, a blob another process finished): they count as
  // done but not toward the transfer rate.
  void add_existing(const std::string& file, int64_t bytes);
  // Bytes received now; negative when a server ignored a Range and the file restarts.
  void add_transferred(const std::string& file, int64_t bytes);
  void file_done(const std::string& file);
  // The final report (finished = true); call once, after every file is done.
  void finish();

 private:
  void report_locked(bool force);

  using clock = std::chrono::steady_clock;
  std::mutex mutex_;
  progress_callback callback_;
  download_progress state_;
  int64_t transferred_ = 0;
  clock::time_point start_;
  clock::time_point last_report_;
};

}  // namespace vlserve::hub
