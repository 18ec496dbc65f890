// What `vlserve generate` prints and dumps.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "model/serving/batch_runner.hpp"
#include "model/serving/prompt_builder.hpp"

namespace vlserve::cli {

// The whole generation of one sequence, gathered from the runner's events.
struct generation_result {
  std::vector<int32_t> generated_ids;
  std::string reasoning, content, finish_reason;
  std::vector<model::emitted_tool_call> tool_calls;
  int prompt_tokens = 0, completion_tokens = 0, reasoning_tokens = 0;
  std::vector<float> prompt_logits;  // last prompt rows x vocab

  void add(const model::runner_event& ev);
};

// {"prompt","input_ids","generated_ids","reasoning_content","content","finish_reason","usage"}
void print_result_json(std::ostream& os, const std::string& prompt, const std::vector<int32_t>& input_ids,
                       const generation_result& r);

// Fixture tensor names: input_ids i64[T], position_ids i64[3,T], rope_deltas i64[1],
// logits_last4 f32[4,V], generated_ids i64[n], and the processor tensors when present.
void write_dump(const std::string& path, const std::vector<int32_t>& input_ids, const std::vector<int64_t>& positions,
                int64_t rope_delta, const generation_result& r, const model::built_prompt& built, int64_t vocab);

}  // namespace vlserve::cli
