// A STREAM-like memory bandwidth probe: the decode roofline is bandwidth / bytes of weights per
// token, so the benchmark measures the bandwidth in the same run instead of quoting a constant.
// Plain C++ threads (no torch, no OpenMP: libtorch pins OpenMP to one thread at load).
#pragma once

#include <cstddef>
#include <cstdint>

namespace vlserve::bench {

struct bandwidth_options {
  size_t array_bytes = size_t(256) << 20;  // per array; must dwarf the last-level cache (32 MB here)
  int threads = 0;                         // 0 = every core
  int repeat = 5;                          // medians over this many passes (1..1000)
};

struct bandwidth_result {
  double triad_gbs = 0;       // a = b + s*c, STREAM counting: 3 arrays x bytes, median
  double triad_best_gbs = 0;
  double read_gbs = 0;        // sum of one array (8 accumulators per thread), median
  int threads = 0;
  size_t array_bytes = 0;
};

// Throws std::invalid_argument for sizes below 1 MiB, repeat outside 1..1000 or threads < 0.
bandwidth_result measure_memory_bandwidth(const bandwidth_options& options);

}  // namespace vlserve::bench
