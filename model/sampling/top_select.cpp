#include "model/sampling/top_select.hpp"

#include <algorithm>
#include <numeric>

namespace vlserve::model {

namespace {

struct ranks_higher {
  const float* v;
  bool operator()(std::int32_t a, std::int32_t b) const { return v[a] > v[b] || (v[a] == v[b] && a < b); }
};

// One pass; the heap's front is the weakest kept entry, so most values are rejected by a single
// comparison once the heap is full.
std::vector<std::int32_t> select_with_heap(std::span<const float> values, std::size_t m) {
  const ranks_higher higher{values.data()};
  std::vector<std::int32_t> heap;
  heap.reserve(m);
  const auto n = static_cast<std::int32_t>(values.size());
  for (std::int32_t i = 0; i < n; ++i) {
    if (heap.size() < m) {
      heap.push_back(i);
      std::push_heap(heap.begin(), heap.end(), higher);
    } else if (higher(i, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), higher);
      heap.back() = i;
      std::push_heap(heap.begin(), heap.end(), higher);
    }
  }
  std::sort(heap.begin(), heap.end(), higher);
  return heap;
}

std::vector<std::int32_t> select_with_partition(std::span<const float> values, std::size_t m) {
  const ranks_higher higher{values.data()};
  std::vector<std::int32_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  if (m < order.size()) {
    std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(m), order.end(), higher);
    order.resize(m);
  }
  std::sort(order.begin(), order.end(), higher);
  return order;
}

}  // namespace

std::vector<std::int32_t> top_indices(std::span<const float> values, std::size_t m) {
  m = std::min(m, values.size());
  if (m == 0) return {};
  // The heap costs O(n + m log m log(n/m)); beyond about n/16 partitioning is cheaper.
  if (m * 16 <= values.size()) return select_with_heap(values, m);
  return select_with_partition(values, m);
}

std::int32_t arg_max(std::span<const float> values) {
  // Eight independent running maxima break the compare-and-select dependency chain (and let the
  // compiler use vector max); a second pass finds the first index holding the maximum.
  constexpr std::size_t lanes = 8;
  float lane_max[lanes];
  std::fill(lane_max, lane_max + lanes, values[0]);
  const std::size_t n = values.size();
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    for (std::size_t l = 0; l < lanes; ++l) lane_max[l] = values[i + l] > lane_max[l] ? values[i + l] : lane_max[l];
  }
  float top = lane_max[0];
  for (std::size_t l = 1; l < lanes; ++l) top = lane_max[l] > top ? lane_max[l] : top;
  for (; i < n; ++i) top = values[i] > top ? values[i] : top;
  for (std::size_t j = 0; j < n; ++j) {
    if (values[j] == top) return static_cast<std::int32_t>(j);
  }
  return 0;
}

}  // namespace vlserve::model
