// Which sequences run in the next engine step and how many prompt tokens each contributes.
// Pure and torch-free so the policy is tested without a model.
//
// Policy: every decoding sequence contributes its one token (so streams keep flowing while a long
// prompt is being read); prompts share a per-step token budget in admission order, so a long
// prompt is split into chunks across steps instead of stalling everyone for its whole prefill.
#pragma once

#include <cstdint>
#include <vector>

namespace vlserve::model {

struct planned_sequence {
  uint64_t id = 0;
  int64_t prompt_remaining = 0;  // prompt tokens not yet in the cache; 0 = decoding
};

struct step_entry {
  uint64_t id = 0;
  int64_t prompt_tokens = 0;  // 0 = one decode token
};

// `active` is in admission order. prefill_budget >= 1.
std::vector<step_entry> plan_step(const std::vector<planned_sequence>& active, int64_t prefill_budget);

// How many queued sequences may join now.
int64_t admissible(int64_t active, int64_t queued, int64_t max_batch);

}  // namespace vlserve::model
