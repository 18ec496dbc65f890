// Counters and histograms for GET /metrics. Lock-free updates from any thread (HTTP handlers,
// sessions, the model worker); the HTTP layer renders them as Prometheus text.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace vlserve::actors {

// Fixed buckets (seconds) chosen for token latencies on CPU and GPU alike.
class histogram {
 public:
  static constexpr std::array<double, 12> bounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                    0.5,   1.0,  2.5,   5.0,  10.0, 30.0};
  void observe(double seconds);
  struct snapshot {
    std::array<uint64_t, bounds.size()> cumulative{};
    uint64_t count = 0;
    double sum = 0;
  };
  snapshot read() const;

 private:
  std::array<std::atomic<uint64_t>, bounds.size()> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micros_{0};
};

struct service_metrics {
  std::atomic<uint64_t> prompt_tokens{0};
  std::atomic<uint64_t> completion_tokens{0};
  std::atomic<int64_t> running_sequences{0};
  std::atomic<int64_t> queued_sequences{0};
  std::atomic<int64_t> prompts_building{0};  // chat requests being parsed or having their media read
  std::atomic<int64_t> last_batch_size{0};
  std::atomic<uint64_t> max_batch_size_seen{0};
  std::atomic<int64_t> cluster_peers{0};  // peer workers this node is connected to
  std::atomic<uint64_t> steps{0};
  std::atomic<uint64_t> cancelled{0};
  std::atomic<uint64_t> worker_restarts{0};  // engine rebuilt after a failed step
  std::atomic<int64_t> kv_cache_tokens{0};
  std::atomic<int64_t> kv_cache_capacity_tokens{0};
  // The prefix cache (copied from the engine after every step).
  std::atomic<int64_t> prefix_cache_bytes{0};
  std::atomic<int64_t> prefix_cache_max_bytes{0};
  std::atomic<int64_t> prefix_cache_entries{0};  // blocks
  std::atomic<int64_t> prefix_cache_pinned{0};   // blocks running sequences started from
  std::atomic<int64_t> prefix_cache_held_tokens{0};
  std::atomic<int64_t> prefix_cache_hits{0};
  std::atomic<int64_t> prefix_cache_misses{0};
  std::atomic<int64_t> prefix_cache_reused_tokens{0};
  std::atomic<int64_t> prefix_cache_evictions{0};
  // The vision feature cache (copied from the worker's after every step).
  std::atomic<int64_t> vision_cache_bytes{0};
  std::atomic<int64_t> vision_cache_hits{0};
  std::atomic<int64_t> vision_cache_misses{0};
  histogram time_to_first_token;
  histogram inter_token_latency;
  histogram step_seconds;

  void count_request(int status);
  std::map<int, uint64_t> requests_by_status() const;
  void note_batch(int64_t size);

 private:
  mutable std::mutex status_mutex_;
  std::map<int, uint64_t> by_status_;
};

}  // namespace vlserve::actors
