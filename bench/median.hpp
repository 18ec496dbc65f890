// Median of a sample: benchmarks on a shared machine report medians, not means or bests.
#pragma once

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace vlserve::bench {

inline double median(std::vector<double> v) {
  if (v.empty()) throw std::invalid_argument("median of an empty sample");
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 == 1 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

}  // namespace vlserve::bench
