#include "hub/progress_meter.hpp"

#include <algorithm>

namespace vlserve::hub {
namespace {
constexpr auto report_interval = std::chrono::milliseconds(250);
}

progress_meter::progress_meter(progress_callback callback, int files_total, uint64_t bytes_total)
    : callback_(std::move(callback)), start_(clock::now()), last_report_(start_ - report_interval) {
  state_.files_total = files_total;
  state_.bytes_total = bytes_total;
}

void progress_meter::add_existing(const std::string& file, int64_t bytes) {
  std::lock_guard lock(mutex_);
  state_.bytes_done = uint64_t(std::max<int64_t>(0, int64_t(state_.bytes_done) + bytes));
  state_.current_file = file;
  report_locked(false);
}

void progress_meter::add_transferred(const std::string& file, int64_t bytes) {
  std::lock_guard lock(mutex_);
  state_.bytes_done = uint64_t(std::max<int64_t>(0, int64_t(state_.bytes_done) + bytes));
  transferred_ = std::max<int64_t>(0, transferred_ + bytes);
  state_.current_file = file;
  report_locked(false);
}

void progress_meter::file_done(const std::string& file) {
  std::lock_guard lock(mutex_);
  ++state_.files_done;
  state_.current_file = file;
  report_locked(true);
}

void progress_meter::finish() {
  std::lock_guard lock(mutex_);
  state_.finished = true;
  report_locked(true);
}

void progress_meter::report_locked(bool force) {
  const auto now = clock::now();
  if (!callback_ || (!force && now - last_report_ < report_interval)) return;
  last_report_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  auto& s = state_;
  s.percent = s.bytes_total == 0 ? (s.finished ? 100.0 : 0.0)
                                 : std::min(100.0, 100.0 * double(s.bytes_done) / double(s.bytes_total));
  s.bytes_per_second = elapsed > 0 ? double(transferred_) / elapsed : 0;
  const double left = double(s.bytes_total > s.bytes_done ? s.bytes_total - s.bytes_done : 0);
  s.eta_seconds = s.finished ? 0 : (s.bytes_per_second > 0 ? left / s.bytes_per_second : -1);
  try {
    callback_(s);
  } catch (...) {
    // A failing progress sink must not break the download.
  }
}

}  // namespace vlserve::hub
