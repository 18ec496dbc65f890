#include "model/sampling/penalties.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace vlserve::model {

namespace {

void check_ids(std::span<const std::int32_t> ids, std::size_t vocab, const char* which) {
  for (const std::int32_t id : ids) {
    if (id < 0 || static_cast<std::size_t>(id) >= vocab)
      throw std::invalid_argument(std::string(which) + " token id " + std::to_string(id) +
                                  " is outside the vocabulary [0, " + std::to_string(vocab) + ")");
  }
}

void apply_repetition(std::span<float> logits, float penalty, std::span<const std::int32_t> ids,
                      std::vector<bool>& seen) {
  for (const std::int32_t id : ids) {
    if (seen[id]) continue;
    seen[id] = true;
    float& x = logits[id];
    x = x > 0.0f ? x / penalty : x * penalty;
  }
}

void clear_seen(std::span<const std::int32_t> ids, std::vector<bool>& seen) {
  for (const std::int32_t id : ids) seen[id] = false;
}

// Counting through a sorted copy keeps the work at O(n log n) in the number of generated tokens
// and gives count * penalty exactly as vLLM computes it (not a sum of repeated subtractions).
void apply_frequency_presence(std::span<float> logits, const sampling_params& p,
                              std::span<const std::int32_t> generated) {
  std::vector<std::int32_t> sorted(generated.begin(), generated.end());
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i;
    while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
    const float count = static_cast<float>(j - i);
    logits[sorted[i]] -= p.frequency_penalty * count + p.presence_penalty;
    i = j;
  }
}

}  // namespace

bool has_penalties(const sampling_params& p) {
  return p.repetition_penalty != 1.0f || p.frequency_penalty != 0.0f || p.presence_penalty != 0.0f;
}

void apply_penalties(std::span<float> logits, const sampling_params& p, const token_history& history,
                     std::vector<bool>& seen) {
  if (!has_penalties(p)) return;
  check_ids(history.prompt, logits.size(), "prompt");
  check_ids(history.generated, logits.size(), "generated");
  if (p.repetition_penalty != 1.0f) {
    if (seen.size() < logits.size()) seen.assign(logits.size(), false);
    apply_repetition(logits, p.repetition_penalty, history.prompt, seen);
    apply_repetition(logits, p.repetition_penalty, history.generated, seen);
    clear_seen(history.prompt, seen);
    clear_seen(history.generated, seen);
  }
  if (p.frequency_penalty != 0.0f || p.presence_penalty != 0.0f)
    apply_frequency_presence(logits, p, history.generated);
}

}  // namespace vlserve::model
