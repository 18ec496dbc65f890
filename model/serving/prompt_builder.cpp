#include "model/serving/prompt_builder.hpp"

#include "model/chat/chat_template.hpp"

namespace vlserve::model {
namespace {

bool has_media(const chat_request& request) {
  for (const auto& m : request.messages)
    if (const auto* parts = std::get_if<std::vector<content_part>>(&m.content))
      for (const auto& p : *parts)
        if (p.kind != part_kind::text) return true;
  return false;
}

}  // namespace

decode_settings decoding_for(const chat_request& r, const prompt_defaults& d) {
  decode_settings s;
  auto& sp = s.sampling;
  // Request values win; then the checkpoint's generation_config (as vLLM does); then neutral.
  sp.temperature = float(r.temperature.value_or(d.temperature));
  sp.top_k = int(r.top_k.value_or(d.generation.top_k.value_or(0)));
  if (sp.top_k < 0) sp.top_k = 0;
  sp.top_p = float(r.top_p.value_or(d.generation.top_p.value_or(1.0)));
  sp.min_p = float(r.min_p.value_or(0.0));
  sp.presence_penalty = float(r.presence_penalty.value_or(0.0));
  sp.frequency_penalty = float(r.frequency_penalty.value_or(0.0));
  sp.repetition_penalty = float(r.repetition_penalty.value_or(d.generation.repetition_penalty.value_or(1.0)));
  if (r.seed) sp.seed = uint64_t(*r.seed);
  sp.logprobs = r.logprobs;
  sp.top_logprobs = r.top_logprobs.value_or(0);
  s.stop.max_tokens = int(r.max_tokens.value_or(d.max_tokens));
  for (auto id : d.generation.eos_token_ids) s.stop.eos_ids.push_back(int32_t(id));
  if (s.stop.eos_ids.empty()) s.stop.eos_ids = qwen3_vl_eos_ids();
  s.stop.stop_strings = r.stop;
  s.parse_tool_calls = !r.tools.empty() && r.tool_choice != tool_choice_mode::none;
  if (auto problem = find_invalid(sp)) throw prompt_error(*problem, "temperature");
  if (auto problem = find_invalid(s.stop)) throw prompt_error(*problem, "stop");
  return s;
}

built_prompt build_prompt(const chat_request& request, const tokenizer& tok, const prompt_defaults& defaults) {
  if (has_media(request))
    throw prompt_error("images and videos are not supported by this build yet; send text content", "messages");
  built_prompt out;
  try {
    out.text = render_chat_prompt(request.messages, request.tools);
  } catch (const std::invalid_argument& e) {
    throw prompt_error(e.what(), "messages");
  }
  out.input.prompt_ids = tok.encode(out.text);
  const auto t = int64_t(out.input.prompt_ids.size());
  if (t >= defaults.max_context)
    throw prompt_error("the prompt has " + std::to_string(t) + " tokens but the context holds " +
                           std::to_string(defaults.max_context) + "; shorten the conversation",
                       "messages");
  out.input.settings = decoding_for(request, defaults);
  return out;
}

}  // namespace vlserve::model
