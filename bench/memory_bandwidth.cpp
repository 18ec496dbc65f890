#include "bench/memory_bandwidth.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "bench/median.hpp"

namespace vlserve::bench {
namespace {

// Runs body(first, last) over [0, n) split evenly across `threads`; returns wall seconds.
template <typename Body>
double timed_parallel(size_t n, int threads, Body body) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  const size_t per = (n + size_t(threads) - 1) / size_t(threads);
  for (int t = 0; t < threads; ++t) {
    const size_t first = std::min(n, size_t(t) * per), last = std::min(n, first + per);
    pool.emplace_back(body, t, first, last);
  }
  for (auto& th : pool) th.join();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

bandwidth_result measure_memory_bandwidth(const bandwidth_options& options) {
  if (options.array_bytes < (size_t(1) << 20))
    throw std::invalid_argument("bandwidth probe: arrays must be at least 1 MiB");
  if (options.repeat < 1 || options.repeat > 1000)
    throw std::invalid_argument("bandwidth probe: repeat must be 1..1000");
  if (options.threads < 0) throw std::invalid_argument("bandwidth probe: negative thread count");
  const int threads = options.threads > 0 ? options.threads
                                          : int(std::max(1u, std::thread::hardware_concurrency()));
  const size_t n = options.array_bytes / sizeof(double);
  std::vector<double> a(n), b(n), c(n);
  // First touch from the worker threads, so pages are faulted in before timing.
  timed_parallel(n, threads, [&](int, size_t f, size_t l) {
    for (size_t i = f; i < l; ++i) a[i] = 0.0, b[i] = 1.0, c[i] = 2.0;
  });

  std::vector<double> triad, read;
  std::vector<double> sums(size_t(threads), 0.0);
  const double scalar = 3.0;
  for (int r = 0; r < options.repeat; ++r) {
    const double tt = timed_parallel(n, threads, [&](int, size_t f, size_t l) {
      double* __restrict pa = a.data();
      const double* __restrict pb = b.data();
      const double* __restrict pc = c.data();
      for (size_t i = f; i < l; ++i) pa[i] = pb[i] + scalar * pc[i];
    });
    triad.push_back(3.0 * double(n * sizeof(double)) / tt / 1e9);
    const double tr = timed_parallel(n, threads, [&](int t, size_t f, size_t l) {
      // Eight independent sums: one accumulator would be bound by FP-add latency (~6 GB/s).
      double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      size_t i = f;
      for (; i + 8 <= l; i += 8)
        for (int k = 0; k < 8; ++k) s[k] += a[i + size_t(k)];
      for (; i < l; ++i) s[0] += a[i];
      sums[size_t(t)] = s[0] + s[1] + s[2] + s[3] + s[4] + s[5] + s[6] + s[7];
    });
    read.push_back(double(n * sizeof(double)) / tr / 1e9);
  }
  // The sums are checked so the read loop cannot be optimised away: every a[i] is 1 + 3*2 = 7.
  double total = 0;
  for (double s : sums) total += s;
  if (total != 7.0 * double(n)) throw std::runtime_error("bandwidth probe: read check failed");

  bandwidth_result out;
  out.triad_gbs = median(triad);
  out.triad_best_gbs = *std::max_element(triad.begin(), triad.end());
  out.read_gbs = median(read);
  out.threads = threads;
  out.array_bytes = n * sizeof(double);
  return out;
}

}  // namespace vlserve::bench
