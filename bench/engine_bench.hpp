// Prompt and decode throughput of a loaded text engine, driven through text_engine::step directly
// (no sampling, no detokenising: those are measured elsewhere and cost microseconds per token).
// Token ids are random: speed depends on shapes, not on which tokens flow.
#pragma once

#include <cstdint>
#include <vector>

#include "model/text/engine.hpp"

namespace vlserve::bench {

struct engine_bench_options {
  int64_t prompt_tokens = 512;   // prefill length, logits for the last token only
  int64_t prefill_chunk = 512;   // prompt tokens per engine step (the server's PREFILL_CHUNK); 0 = all
  int64_t decode_tokens = 32;    // timed decode steps per repeat
  int64_t decode_context = 64;   // tokens each sequence holds before decode starts
  int repeat = 5;                // 1..1000; medians reported
  uint64_t seed = 1;             // for the random token ids
};

struct prefill_result {
  int64_t prompt_tokens = 0;
  double median_ms = 0;
  double tokens_per_s = 0;  // prompt_tokens / median time
};

struct decode_result {
  int64_t batch = 0;
  double step_ms = 0;               // median over every timed step of every repeat
  double tokens_per_s = 0;          // aggregate (batch tokens per step), median over repeats
  double per_sequence_tokens_per_s = 0;
};

// Both throw std::invalid_argument for settings outside the engine's bounds (checked up front).
prefill_result bench_prefill(model::text_engine& engine, const engine_bench_options& options);
decode_result bench_decode(model::text_engine& engine, int64_t batch, const engine_bench_options& options);

}  // namespace vlserve::bench
