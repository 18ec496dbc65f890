// Turns one sequence's logits, step by step, into what a client sees: samples a token, checks
// EOS/length/stop strings, detokenises incrementally, splits reasoning from content and holds back
// tool-call blocks. Torch-free; one instance per sequence, used by the batch runner.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "model/sampling/reasoning_split.hpp"
#include "model/sampling/rng.hpp"
#include "model/sampling/sampler.hpp"
#include "model/sampling/stop_conditions.hpp"
#include "model/sampling/stop_matcher.hpp"
#include "model/tokenizer/stream_decoder.hpp"
#include "model/tokenizer/tokenizer.hpp"

namespace vlserve::model {

struct decode_settings {
  sampling_params sampling;
  stop_params stop;
  bool parse_tool_calls = false;  // the request declared tools
};

struct emitted_logprob {
  std::string token;
  float logprob = 0;
  std::vector<std::string> top_tokens;
  std::vector<float> top_logprobs;
};

struct emitted_tool_call {
  std::string name;
  std::string arguments;
};

// What one step adds to the client's view of the sequence.
struct sequence_delta {
  std::int32_t token = -1;  // the sampled id (-1 when none, e.g. on cancel)
  std::string reasoning;
  std::string content;
  std::vector<emitted_tool_call> tool_calls;  // only at the end
  std::vector<emitted_logprob> logprobs;
  finish_reason finish = finish_reason::none;
  bool tool_calls_finish = false;  // finish_reason "tool_calls" instead of "stop"
};

class sequence_decoder {
 public:
  // Validates settings (throws std::invalid_argument naming the field).
  sequence_decoder(tokenizer tok, std::vector<std::int32_t> prompt_ids, decode_settings settings);

  // Samples from logits (vocab-sized) and advances; after a finish, further calls are errors.
  sequence_delta on_logits(std::span<const float> logits);
  // Ends the sequence early (cancel): releases any held text.
  sequence_delta finish_early();

  bool finished() const { return finished_; }
  std::int32_t last_token() const { return generated_.empty() ? -1 : generated_.back(); }
  const std::vector<std::int32_t>& prompt_ids() const { return prompt_; }
  const std::vector<std::int32_t>& generated_ids() const { return generated_; }
  int reasoning_tokens() const { return reasoning_tokens_; }

 private:
  void route_text(const std::string& text, sequence_delta& out);
  void finish_text(sequence_delta& out);

  tokenizer tok_;
  std::vector<std::int32_t> prompt_;
  std::vector<std::int32_t> generated_;
  decode_settings settings_;
  rng_state rng_;
  sampler_workspace workspace_;
  stream_decoder detok_;
  stop_matcher stops_;
  reasoning_splitter splitter_;
  std::string held_content_;  // content that may hold a tool call (only with parse_tool_calls)
  bool finished_ = false;
  int reasoning_tokens_ = 0;
};

}  // namespace vlserve::model
