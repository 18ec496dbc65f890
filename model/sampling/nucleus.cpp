#include "model/sampling/nucleus.hpp"

#include <algorithm>
#include <numeric>

#include "model/sampling/top_select.hpp"

namespace vlserve::model {

namespace {

constexpr std::size_t small_range = 64;

// Walks ranked ids until their weights reach need; returns how many were taken.
std::size_t take_until(std::span<const std::int32_t> ranked, std::span<const float> weights, double need) {
  double cum = 0.0;
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    cum += weights[ranked[i]];
    if (cum >= need) return i + 1;
  }
  return ranked.size();
}

}  // namespace

std::vector<std::int32_t> nucleus_ids(std::span<const float> logits, std::span<const float> weights, double target) {
  std::vector<std::int32_t> best = top_indices(logits, small_range);
  const std::size_t quick = take_until(best, weights, target);
  if (quick < best.size() || best.size() == logits.size()) {
    best.resize(quick);
    return best;
  }

  const auto higher = [&](std::int32_t a, std::int32_t b) {
    return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
  };
  std::vector<std::int32_t> ids(logits.size());
  std::iota(ids.begin(), ids.end(), 0);
  // Invariant: ids[0, lo) are in the nucleus, ids[hi, n) are not, need = target - mass of [0, lo).
  std::size_t lo = 0, hi = ids.size();
  double need = target;
  while (hi - lo > small_range) {  // the range halves each round: at most log2(V) rounds
    const std::size_t mid = lo + (hi - lo) / 2;
    std::nth_element(ids.begin() + lo, ids.begin() + mid, ids.begin() + hi, higher);
    double upper = 0.0;
    for (std::size_t i = lo; i < mid; ++i) upper += weights[ids[i]];
    if (upper >= need) {
      hi = mid;
    } else {
      need -= upper;
      lo = mid;
    }
  }
  std::sort(ids.begin() + lo, ids.begin() + hi, higher);
  ids.resize(lo + take_until(std::span(ids).subspan(lo, hi - lo), weights, need));
  return ids;
}

}  // namespace vlserve::model
