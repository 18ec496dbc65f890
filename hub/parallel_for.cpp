#include "hub/parallel_for.hpp"

#include <algorithm>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace vlserve::hub {

void parallel_for(size_t n, int max_threads,
                  const std::function<void(size_t, const std::atomic<bool>&)>& task) {
  std::atomic<size_t> next{0};
  std::atomic<bool> cancel{false};
  std::exception_ptr first_error;
  std::mutex error_mutex;
  const auto worker = [&] {
    for (size_t i = next++; i < n && !cancel; i = next++) {
      try {
        task(i, cancel);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
        cancel = true;
      }
    }
  };
  const size_t threads = std::min(n, size_t(std::clamp(max_threads, 1, 16)));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) {
    try {
      pool.emplace_back(worker);
    } catch (const std::system_error&) {
      break;  // fewer threads than asked: the ones running take the remaining tasks
    }
  }
  worker();  // the calling thread works too
  for (auto& t : pool) t.join();
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace vlserve::hub
