// REASONING_EFFORT_BUDGETS: the thinking budget (reasoning tokens) each reasoning_effort level
// grants, written "low=1024,medium=4096,high=16384".
#pragma once

#include <array>
#include <string>

namespace vlserve::config {

using effort_budgets = std::array<int, 3>;  // low, medium, high

inline constexpr effort_budgets default_effort_budgets{1024, 4096, 16384};
inline constexpr int max_effort_budget = 1 << 24;

// Each of low, medium and high exactly once, in any order, each 1..max_effort_budget, and
// low <= medium <= high. Throws config_error naming `name` otherwise.
effort_budgets parse_effort_budgets(const std::string& name, const std::string& value);
std::string show_effort_budgets(const effort_budgets& b);

}  // namespace vlserve::config
