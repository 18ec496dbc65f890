#include "model/sampling/truncation.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "model/sampling/nucleus.hpp"
#include "model/sampling/top_select.hpp"

namespace vlserve::model {

namespace {

struct tempered {
  std::span<const float> logits;
  float max;
  float temperature;
  float weight(std::int32_t i) const { return std::exp((logits[i] - max) / temperature); }
};

// One draw over ids in the given order. The order is part of the result for a given random
// number, so callers pass an order that depends only on the logits.
std::int32_t draw_from(const tempered& t, std::span<const std::int32_t> ids, rng_state& rng) {
  double total = 0.0;
  for (const std::int32_t id : ids) total += t.weight(id);
  const double u = rng.next_unit() * total;
  double cum = 0.0;
  std::int32_t last_positive = ids.front();
  for (const std::int32_t id : ids) {
    const float w = t.weight(id);
    if (w <= 0.0f) continue;
    cum += w;
    last_positive = id;
    if (u < cum) return id;
  }
  return last_positive;
}

// top_k path: the survivors come ranked, so top_p and min_p each cut a suffix.
std::int32_t draw_top_k(const tempered& t, const sampling_params& p, rng_state& rng) {
  std::vector<std::int32_t> kept = top_indices(t.logits, static_cast<std::size_t>(p.top_k));
  if (p.top_p < 1.0f) {
    double mass = 0.0;
    for (const std::int32_t id : kept) mass += t.weight(id);
    const double target = p.top_p * mass;
    double cum = 0.0;
    std::size_t keep = kept.size();
    for (std::size_t i = 0; i < kept.size(); ++i) {
      cum += t.weight(kept[i]);
      if (cum >= target) {
        keep = i + 1;
        break;
      }
    }
    kept.resize(keep);
  }
  // The first token has weight 1 >= min_p and always stays.
  while (kept.size() > 1 && t.weight(kept.back()) < p.min_p) kept.pop_back();
  return draw_from(t, kept, rng);
}

// Sorts a subset of [0, n): by comparison when small, by marking when large (O(n), no sort).
std::vector<std::int32_t> ascending(std::vector<std::int32_t> ids, std::size_t n) {
  if (ids.size() * 16 < n) {
    std::sort(ids.begin(), ids.end());
    return ids;
  }
  std::vector<char> marked(n, 0);
  for (const std::int32_t id : ids) marked[id] = 1;
  ids.clear();
  for (std::size_t i = 0; i < n; ++i) {
    if (marked[i]) ids.push_back(static_cast<std::int32_t>(i));
  }
  return ids;
}

// Whole-vocabulary path: weights are computed once (top_p needs their total). Draws walk ids in
// ascending order, which depends only on the logits, never on how a selection algorithm left them.
std::int32_t draw_whole_vocabulary(const tempered& t, const sampling_params& p, rng_state& rng) {
  const std::size_t n = t.logits.size();
  std::vector<float> weights(n);
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    weights[i] = t.weight(static_cast<std::int32_t>(i));
    total += weights[i];
  }
  std::vector<std::int32_t> ids;
  if (p.top_p < 1.0f) {
    ids = ascending(nucleus_ids(t.logits, weights, p.top_p * total), n);
  } else {
    ids.resize(n);
    std::iota(ids.begin(), ids.end(), 0);
  }
  // min_p: the most likely token has weight 1 >= min_p, so ids never becomes empty.
  std::erase_if(ids, [&](std::int32_t id) { return weights[id] < p.min_p || weights[id] <= 0.0f; });
  double kept = 0.0;
  for (const std::int32_t id : ids) kept += weights[id];
  const double u = rng.next_unit() * kept;
  double cum = 0.0;
  for (const std::int32_t id : ids) {
    cum += weights[id];
    if (u < cum) return id;
  }
  return ids.back();
}

}  // namespace

std::int32_t draw_truncated(std::span<const float> logits, const sampling_params& p, rng_state& rng) {
  if (!(p.temperature > 0.0f)) throw std::invalid_argument("draw_truncated needs temperature > 0");
  const tempered t{logits, logits[arg_max(logits)], p.temperature};
  if (!std::isfinite(t.max)) throw std::invalid_argument("no finite logit left after penalties");
  if (p.top_k > 0 && static_cast<std::size_t>(p.top_k) < logits.size()) return draw_top_k(t, p, rng);
  return draw_whole_vocabulary(t, p, rng);
}

}  // namespace vlserve::model
