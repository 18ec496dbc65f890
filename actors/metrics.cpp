#include "actors/metrics.hpp"

namespace vlserve::actors {

void histogram::observe(double seconds) {
  for (size_t i = 0; i < bounds.size(); ++i)
    if (seconds <= bounds[i]) buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(uint64_t(seconds * 1e6), std::memory_order_relaxed);
}

histogram::snapshot histogram::read() const {
  snapshot s;
  for (size_t i = 0; i < bounds.size(); ++i) s.cumulative[i] = buckets_[i].load(std::memory_order_relaxed);
  s.count = count_.load(std::memory_order_relaxed);
  s.sum = double(sum_micros_.load(std::memory_order_relaxed)) / 1e6;
  return s;
}

void service_metrics::count_request(int status) {
  std::lock_guard<std::mutex> lock(status_mutex_);
  ++by_status_[status];
}

std::map<int, uint64_t> service_metrics::requests_by_status() const {
  std::lock_guard<std::mutex> lock(status_mutex_);
  return by_status_;
}

void service_metrics::note_batch(int64_t size) {
  last_batch_size = size;
  steps.fetch_add(1, std::memory_order_relaxed);
  uint64_t seen = max_batch_size_seen.load();
  while (uint64_t(size) > seen && !max_batch_size_seen.compare_exchange_weak(seen, uint64_t(size))) {
  }
}

}  // namespace vlserve::actors
