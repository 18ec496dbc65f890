#include "actors/remote_job.hpp"

#include <stdexcept>

#include "model/text/visual_transfer.hpp"

namespace vlserve::actors {

bool is_portable(const generation_job& job) { return job.input != nullptr; }

remote_job to_remote(const generation_job& job) {
  if (!is_portable(job)) throw std::invalid_argument("a job without input cannot run on another node");
  const model::sequence_input& in = *job.input;
  const auto& sp = in.settings.sampling;
  const auto& stop = in.settings.stop;
  remote_job r;
  r.session_id = job.session_id;
  r.prompt_ids = in.prompt_ids;
  r.positions = in.positions;
  r.rope_delta = in.rope_delta;
  r.prompt_logits = in.prompt_logits;
  r.choices = in.choices;
  r.temperature = sp.temperature;
  r.top_p = sp.top_p;
  r.min_p = sp.min_p;
  r.presence_penalty = sp.presence_penalty;
  r.frequency_penalty = sp.frequency_penalty;
  r.repetition_penalty = sp.repetition_penalty;
  r.top_k = sp.top_k;
  r.has_seed = sp.seed.has_value();
  r.seed = sp.seed.value_or(0);
  r.logprobs = sp.logprobs;
  r.top_logprobs = sp.top_logprobs;
  r.max_tokens = stop.max_tokens;
  r.eos_ids = stop.eos_ids;
  r.stop_strings = stop.stop_strings;
  r.parse_tool_calls = in.settings.parse_tool_calls;
  for (const auto& [id, bias] : sp.logit_bias) {
    r.bias_ids.push_back(id);
    r.bias_values.push_back(bias);
  }
  r.thinking_budget = in.settings.thinking_budget;
  const auto& out = in.settings.output;
  r.output_kind = uint8_t(out.kind);
  r.schema_json = out.schema_json;
  r.tools_json = out.tools_json;
  r.tool_name = out.tool_name;
  r.parallel_tool_calls = out.parallel;
  if (in.visual) {
    model::flat_visual f = model::flatten_visual(*in.visual);
    r.visual_rows = std::move(f.rows);
    r.visual_hidden = f.hidden;
    r.visual_embeddings = std::move(f.embeddings);
    r.visual_deepstack_layers = f.deepstack_layers;
    r.visual_deepstack = std::move(f.deepstack);
  }
  return r;
}

generation_job from_remote(remote_job r, const std::string& device, const std::string& dtype) {
  auto in = std::make_shared<model::sequence_input>();
  if (!r.visual_rows.empty()) {
    model::flat_visual f;
    f.rows = std::move(r.visual_rows);
    f.hidden = r.visual_hidden;
    f.embeddings = std::move(r.visual_embeddings);
    f.deepstack_layers = r.visual_deepstack_layers;
    f.deepstack = std::move(r.visual_deepstack);
    in->visual = model::unflatten_visual(f, device, dtype);
  }
  in->prompt_ids = std::move(r.prompt_ids);
  in->positions = std::move(r.positions);
  in->rope_delta = r.rope_delta;
  in->choices = r.choices;
  in->prompt_logits = r.prompt_logits;
  auto& sp = in->settings.sampling;
  sp.temperature = r.temperature;
  sp.top_p = r.top_p;
  sp.min_p = r.min_p;
  sp.presence_penalty = r.presence_penalty;
  sp.frequency_penalty = r.frequency_penalty;
  sp.repetition_penalty = r.repetition_penalty;
  sp.top_k = r.top_k;
  if (r.has_seed) sp.seed = r.seed;
  sp.logprobs = r.logprobs;
  sp.top_logprobs = r.top_logprobs;
  auto& stop = in->settings.stop;
  stop.max_tokens = r.max_tokens;
  stop.eos_ids = std::move(r.eos_ids);
  stop.stop_strings = std::move(r.stop_strings);
  in->settings.parse_tool_calls = r.parse_tool_calls;
  // A peer sends matching lists; the sequence decoder validates the values again.
  for (std::size_t i = 0; i < r.bias_ids.size() && i < r.bias_values.size(); ++i)
    sp.logit_bias.emplace_back(r.bias_ids[i], r.bias_values[i]);
  in->settings.thinking_budget = r.thinking_budget;
  auto& out = in->settings.output;
  if (r.output_kind > uint8_t(model::grammar::output_kind::tool_calls))
    throw std::invalid_argument("unknown output kind " + std::to_string(r.output_kind));
  out.kind = model::grammar::output_kind(r.output_kind);
  out.schema_json = std::move(r.schema_json);
  out.tools_json = std::move(r.tools_json);
  out.tool_name = std::move(r.tool_name);
  out.parallel = r.parallel_tool_calls;
  in->settings.grammar = model::grammar::compile_output(out);
  return generation_job{std::move(r.session_id), std::move(in)};
}

}  // namespace vlserve::actors
