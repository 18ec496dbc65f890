// Runs n tasks on at most max_threads threads; the first task to throw cancels the others (through
// the flag they are given) and its exception is rethrown once all threads have ended.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>

namespace vlserve::hub {

void parallel_for(size_t n, int max_threads,
                  const std::function<void(size_t index, const std::atomic<bool>& cancel)>& task);

}  // namespace vlserve::hub
