// The cost of one constrained decoding step's token mask over the model's own vocabulary: a
// fixed schema (nested object, enum, integer range, bounded array, free string) is walked to its
// end with seeded random picks among the allowed tokens, timing every mask. Torch-free.
#pragma once

#include <cstdint>

#include "model/tokenizer/tokenizer.hpp"

namespace vlserve::bench {

struct mask_bench_result {
  double trie_build_ms = 0;   // vocabulary trie, once per tokenizer
  double median_ms = 0;       // per step, over every timed step
  double p90_ms = 0;
  int steps = 0;
};

// `walks` walks of at most 256 tokens each.
mask_bench_result bench_mask_cost(const model::tokenizer& tok, std::size_t logits_size, int walks);

}  // namespace vlserve::bench
