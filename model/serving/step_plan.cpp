#include "model/serving/step_plan.hpp"

#include <algorithm>

namespace vlserve::model {

std::vector<step_entry> plan_step(const std::vector<planned_sequence>& active, int64_t prefill_budget) {
  std::vector<step_entry> plan;
  int64_t budget = std::max<int64_t>(1, prefill_budget);
  for (const auto& s : active) {
    if (s.prompt_remaining == 0) {
      plan.push_back({s.id, 0});
    } else if (budget > 0) {
      const int64_t take = std::min(s.prompt_remaining, budget);
      budget -= take;
      plan.push_back({s.id, take});
    }
  }
  return plan;
}

int64_t admissible(int64_t active, int64_t queued, int64_t max_batch) {
  return std::max<int64_t>(0, std::min(queued, max_batch - active));
}

}  // namespace vlserve::model
