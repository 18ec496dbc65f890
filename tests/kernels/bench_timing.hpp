// What the kernel micro-benchmarks (gemv_bench, int8_gemv_bench, attention_bench) share: their
// arguments, the machine's load, a stopwatch and the median they report. Benchmarks, not tests.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace vlserve::kernel_bench {

// /proc/loadavg as one line: the machine is shared, the output says how busy it was.
inline std::string loadavg() {
  std::ifstream f("/proc/loadavg");
  std::string line;
  std::getline(f, line);
  return line;
}

inline double seconds_of(const std::function<void()>& fn) {
  const auto t0 = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The benchmarks' arguments: [threads=2] [rounds=7], rounds held to 1..100.
struct bench_args {
  int threads = 2;
  int rounds = 7;
};

inline bench_args parse_bench_args(int argc, char** argv) {
  bench_args a;
  if (argc > 1) a.threads = std::atoi(argv[1]);
  if (argc > 2) a.rounds = std::clamp(std::atoi(argv[2]), 1, 100);
  return a;
}

// The upper middle of the rounds.
inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace vlserve::kernel_bench
