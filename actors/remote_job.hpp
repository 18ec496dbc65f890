// A generation job in a form CAF can serialise, for a model worker on another node of the cluster.
// A media prompt carries its vision features as float32 (model/text/visual_transfer.hpp), so it
// runs on the peer without a second pass through the tower.
#pragma once

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "actors/generation_job.hpp"

namespace vlserve::actors {

struct remote_job {
  std::string session_id;
  std::vector<int32_t> prompt_ids;
  std::vector<int64_t> positions;  // 3 x T, or empty for text-only prompts
  int64_t rope_delta = 0;
  int64_t prompt_logits = 1;
  int32_t choices = 1;  // n: the peer forks the prompt as a local worker does
  // decode_settings, flattened (CAF 0.17 inspects neither std::optional nor nested model types)
  float temperature = 1, top_p = 1, min_p = 0;
  float presence_penalty = 0, frequency_penalty = 0, repetition_penalty = 1;
  int32_t top_k = 0;
  bool has_seed = false;
  uint64_t seed = 0;
  bool logprobs = false;
  int32_t top_logprobs = 0;
  int32_t max_tokens = 1;
  std::vector<int32_t> eos_ids;
  std::vector<std::string> stop_strings;
  bool parse_tool_calls = false;
  std::vector<int32_t> bias_ids;  // sampling.logit_bias, split into two parallel lists
  std::vector<float> bias_values;
  int32_t thinking_budget = 0;
  uint8_t output_kind = 0;  // settings.output (grammar::output_kind); the peer compiles it again
  std::string schema_json;
  std::vector<std::string> tools_json;
  std::string tool_name;
  bool parallel_tool_calls = true;
  // Vision features (empty rows: a text prompt), flattened
  std::vector<int64_t> visual_rows;
  int64_t visual_hidden = 0;
  std::vector<float> visual_embeddings;
  int32_t visual_deepstack_layers = 0;
  std::vector<float> visual_deepstack;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, remote_job& x) {
  return f(caf::meta::type_name("vl_remote_job"), x.session_id, x.prompt_ids, x.positions, x.rope_delta,
           x.prompt_logits, x.temperature, x.top_p, x.min_p, x.presence_penalty, x.frequency_penalty,
           x.repetition_penalty, x.top_k, x.has_seed, x.seed, x.logprobs, x.top_logprobs, x.max_tokens,
           x.eos_ids, x.stop_strings, x.parse_tool_calls, x.bias_ids, x.bias_values, x.thinking_budget, x.output_kind, x.schema_json, x.tools_json, x.tool_name,
           x.parallel_tool_calls, x.visual_rows, x.visual_hidden, x.visual_embeddings, x.visual_deepstack_layers,
           x.visual_deepstack, x.choices);
}

// Whether `job` can run on another node (it has an input; vision features travel with it).
bool is_portable(const generation_job& job);
// Throws std::invalid_argument when the job is not portable.
remote_job to_remote(const generation_job& job);
// Vision features are rebuilt on `device` in `dtype` (the taking engine's). Throws
// std::invalid_argument for an output kind it does not know or features whose sizes disagree,
// schema_error for a schema it cannot compile.
generation_job from_remote(remote_job job, const std::string& device = "cpu", const std::string& dtype = "float32");

}  // namespace vlserve::actors
