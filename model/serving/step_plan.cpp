#include "model/serving/step_plan.hpp"

#include <algorithm>

namespace vlserve::model {

std::vector<step_entry> plan_step(const std::vector<planned_sequence>& active, int64_t prefill_budget) {
  // Who gets prompt tokens first: starved prompts, then the shortest; ties keep admission order.
  std::vector<size_t> prompts;
  for (size_t i = 0; i < active.size(); ++i)
    if (active[i].prompt_remaining > 0) prompts.push_back(i);
  std::stable_sort(prompts.begin(), prompts.end(), [&](size_t a, size_t b) {
    const bool starved_a = active[a].passed_over >= kStarvedSteps;
    const bool starved_b = active[b].passed_over >= kStarvedSteps;
    if (starved_a != starved_b) return starved_a;
    return active[a].prompt_remaining < active[b].prompt_remaining;
  });
  std::vector<int64_t> take(active.size(), 0);
  int64_t budget = std::max<int64_t>(1, prefill_budget);
  for (size_t i : prompts) {
    if (budget == 0) break;
    take[i] = std::min(active[i].prompt_remaining, budget);
    budget -= take[i];
  }
  std::vector<step_entry> plan;
  for (size_t i = 0; i < active.size(); ++i) {
    if (active[i].prompt_remaining == 0)
      plan.push_back({active[i].id, 0});
    else if (take[i] > 0)
      plan.push_back({active[i].id, take[i]});
  }
  return plan;
}

int64_t admissible(int64_t active, int64_t queued, int64_t max_batch) {
  return std::max<int64_t>(0, std::min(queued, max_batch - active));
}

}  // namespace vlserve::model
