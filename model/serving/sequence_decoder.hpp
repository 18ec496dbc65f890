// Turns one sequence's logits, step by step, into what a client sees: samples a token, checks
// EOS/length/stop strings, detokenises incrementally, splits reasoning from content and holds back
// tool-call blocks. Torch-free; one instance per sequence, used by the batch runner.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "model/grammar/json_matcher.hpp"
#include "model/grammar/output_spec.hpp"
#include "model/grammar/token_masker.hpp"
#include "model/grammar/vocab_trie.hpp"
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
  // Reasoning tokens allowed, </think> included; 0 = no limit. When it would be spent, the decoder
  // forces thinking_stop_text (Qwen3 technical report §4.3) and the answer follows.
  int thinking_budget = 0;
  // The answer's shape (after </think>): `output` is what the request asked, `grammar` its
  // compiled form (null = free text). Only `output` crosses cluster nodes; the peer recompiles.
  grammar::output_spec output;
  std::shared_ptr<const grammar::grammar> grammar;
};

// What Qwen inserts when the thinking budget is spent (its trailing "." after </think> dropped so
// the answer, e.g. a JSON value, starts clean).
inline constexpr const char* thinking_stop_text =
    "\n\nConsidering the limited time by the user, I have to give the solution based on the thinking "
    "directly now.\n</think>\n\n";

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
  // `vocab` is the tokenizer's trie for constrained answers (built here when null and needed).
  sequence_decoder(tokenizer tok, std::vector<std::int32_t> prompt_ids, decode_settings settings,
                   std::shared_ptr<const grammar::vocab_index> vocab = nullptr);

  // Samples from logits (vocab-sized) and advances; after a finish, further calls are errors.
  sequence_delta on_logits(std::span<const float> logits);
  // Ends the sequence early (cancel): releases any held text.
  sequence_delta finish_early();

  bool finished() const { return finished_; }
  std::int32_t last_token() const { return generated_.empty() ? -1 : generated_.back(); }
  const std::vector<std::int32_t>& prompt_ids() const { return prompt_; }
  const std::vector<std::int32_t>& generated_ids() const { return generated_; }
  int reasoning_tokens() const { return reasoning_tokens_; }
  // Seconds spent building token masks so far (for bench).
  double mask_seconds() const { return mask_seconds_; }
  int masked_steps() const { return masked_steps_; }

 private:
  void route_text(const std::string& text, sequence_delta& out);
  std::optional<std::int32_t> next_forced();
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
  bool think_closed_ = false;                // </think> sampled or forced
  std::int32_t think_end_id_ = -1;           // the </think> token, -1 when the tokenizer has none
  std::vector<std::int32_t> budget_tail_;    // thinking_stop_text's tokens (or just </think>)
  std::size_t budget_tail_reasoning_ = 0;    // of which reasoning: up to and including </think>
  std::size_t forced_next_ = 0;              // next budget_tail_ index; started when > 0
  std::shared_ptr<const grammar::vocab_index> vocab_;
  std::unique_ptr<grammar::json_matcher> matcher_;  // set when the answer is constrained
  grammar::token_masker masker_;
  token_mask mask_;
  double mask_seconds_ = 0;
  int masked_steps_ = 0;
};

}  // namespace vlserve::model
