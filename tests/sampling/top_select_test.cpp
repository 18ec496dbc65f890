// Partial selection agrees with a full sort on the (value desc, index asc) order, on both the
// heap path (small m) and the partition path (large m), ties included; the top_p nucleus agrees
// with ranking the whole vocabulary.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "model/sampling/nucleus.hpp"
#include "model/sampling/rng.hpp"
#include "model/sampling/top_select.hpp"

using namespace vlserve::model;

namespace {

std::vector<std::int32_t> by_full_sort(const std::vector<float>& v, std::size_t m) {
  std::vector<std::int32_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) { return v[a] > v[b]; });
  order.resize(std::min(m, v.size()));
  return order;
}

// Values from a small set so that ties are common.
std::vector<float> tie_heavy_values(std::size_t n, std::uint64_t seed) {
  rng_state rng(seed);
  std::vector<float> v(n);
  for (float& x : v) x = static_cast<float>(rng.next_u64() % 50) - 25.0f;
  return v;
}

}  // namespace

TEST(TopSelect, SmallHandExample) {
  const std::vector<float> v{1.0f, 3.0f, 2.0f, 3.0f, -1.0f};
  EXPECT_EQ(top_indices(v, 3), (std::vector<std::int32_t>{1, 3, 2}));
  EXPECT_EQ(top_indices(v, 10), (std::vector<std::int32_t>{1, 3, 2, 0, 4}));
  EXPECT_TRUE(top_indices(v, 0).empty());
  EXPECT_EQ(arg_max(v), 1);
}

TEST(TopSelect, MatchesFullSortOnBothPaths) {
  const std::vector<float> v = tie_heavy_values(5000, 3);
  for (const std::size_t m : {1u, 5u, 20u, 64u, 312u, 313u, 1000u, 4999u, 5000u}) {
    EXPECT_EQ(top_indices(v, m), by_full_sort(v, m)) << "m = " << m;
  }
}

TEST(TopSelect, HandlesNegativeInfinity) {
  const float ninf = -std::numeric_limits<float>::infinity();
  const std::vector<float> v{ninf, 0.5f, ninf, 0.25f};
  EXPECT_EQ(top_indices(v, 3), (std::vector<std::int32_t>{1, 3, 0}));
  EXPECT_EQ(arg_max(v), 1);
}

namespace {

// The nucleus by brute force: rank everything, walk until the mass reaches target.
std::vector<std::int32_t> nucleus_by_full_sort(const std::vector<float>& logits, const std::vector<float>& weights,
                                               double target) {
  std::vector<std::int32_t> ranked = by_full_sort(logits, logits.size());
  double cum = 0.0;
  std::size_t keep = ranked.size();
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    cum += weights[ranked[i]];
    if (cum >= target) {
      keep = i + 1;
      break;
    }
  }
  ranked.resize(keep);
  std::sort(ranked.begin(), ranked.end());
  return ranked;
}

}  // namespace

TEST(Nucleus, MatchesBruteForceOnPeakedFlatAndTiedLogits) {
  rng_state rng(5);
  std::vector<float> smooth(20000);
  for (float& x : smooth) x = static_cast<float>(rng.next_unit() * 3.0);
  std::vector<float> peaked = smooth;
  peaked[123] = 40.0f;
  peaked[7] = 39.0f;
  const std::vector<float> tied = tie_heavy_values(20000, 9);
  const std::vector<const std::vector<float>*> cases{&smooth, &peaked, &tied};
  for (const std::vector<float>* logits : cases) {
    std::vector<float> weights(logits->size());
    double total = 0.0;
    const float top = *std::max_element(logits->begin(), logits->end());
    for (std::size_t i = 0; i < weights.size(); ++i) {
      weights[i] = std::exp((*logits)[i] - top);
      total += weights[i];
    }
    for (const double p : {0.05, 0.5, 0.9, 0.999}) {
      std::vector<std::int32_t> got = nucleus_ids(*logits, weights, p * total);
      std::sort(got.begin(), got.end());
      EXPECT_EQ(got, nucleus_by_full_sort(*logits, weights, p * total)) << "top_p " << p;
    }
  }
}
