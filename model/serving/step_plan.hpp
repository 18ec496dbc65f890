// Which sequences run in the next engine step and how many prompt tokens each contributes.
// Pure and torch-free so the policy is tested without a model.
//
// Policy: every decoding sequence contributes its one token (so streams keep flowing while a long
// prompt is being read); prompts share a per-step token budget, shortest remaining prompt first,
// so a short request is not stuck behind a long one; a prompt passed over for kStarvedSteps steps
// in a row goes first, so a stream of short prompts cannot starve a long one.
#pragma once

#include <cstdint>
#include <vector>

namespace vlserve::model {

inline constexpr int64_t kStarvedSteps = 16;

struct planned_sequence {
  uint64_t id = 0;
  int64_t prompt_remaining = 0;  // prompt tokens not yet in the cache; 0 = decoding
  int64_t passed_over = 0;       // consecutive steps this prompt got no tokens
};

struct step_entry {
  uint64_t id = 0;
  int64_t prompt_tokens = 0;  // 0 = one decode token
};

// `active` is in admission order, and so is the plan. prefill_budget >= 1.
std::vector<step_entry> plan_step(const std::vector<planned_sequence>& active, int64_t prefill_budget);

// How many queued sequences may join now.
int64_t admissible(int64_t active, int64_t queued, int64_t max_batch);

}  // namespace vlserve::model
