#include "model/serving/prompt_builder.hpp"

#include <algorithm>

#include "model/chat/chat_template.hpp"
#include "model/vision/multimodal/expand_prompt.hpp"
#include "model/vision/multimodal/request_media.hpp"
#include "model/vision/multimodal/rope_index.hpp"
#include "model/vision/multimodal/visual_tokens.hpp"

namespace vlserve::model {
namespace {

int32_t special_id(const tokenizer& tok, const char* token) {
  const auto id = tok.token_id(token);
  if (!id) throw prompt_error(std::string("the tokenizer has no ") + token + " token; this model cannot read media",
                              "messages");
  return *id;
}

// A max_tokens the request asked for that cannot fit after its prompt is refused, as OpenAI and
// vLLM do, instead of being cut short silently (a default from MAX_TOKENS is still clamped).
void check_room(const chat_request& request, int64_t prompt_tokens, int64_t max_context) {
  if (!request.max_tokens || prompt_tokens + *request.max_tokens <= max_context) return;
  throw prompt_error("max_tokens is " + std::to_string(*request.max_tokens) + " but the context holds " +
                         std::to_string(max_context) + " tokens and the prompt uses " + std::to_string(prompt_tokens) +
                         "; ask for at most " + std::to_string(std::max<int64_t>(0, max_context - prompt_tokens)) +
                         " or raise MAX_CONTEXT",
                     "max_tokens");
}

// Media branch (spec §8.2): load + preprocess every part, expand the placeholders, tokenize,
// M-RoPE positions, then the vision tower. Fills out.input (but not its settings).
void build_media_prompt(const chat_request& request, const tokenizer& tok, const prompt_defaults& d,
                        built_prompt& out) {
  if (!d.tower) throw prompt_error("this server runs without a vision tower; send text content only", "messages");
  const vision::vision_token_ids ids{special_id(tok, vision::k_image_pad), special_id(tok, vision::k_video_pad),
                                     special_id(tok, vision::k_vision_start)};
  // Cheap check before any media is fetched: one placeholder per media part, same kinds in order.
  std::vector<bool> part_kinds;
  for (const auto& m : request.messages)
    if (const auto* parts = std::get_if<std::vector<content_part>>(&m.content))
      for (const auto& p : *parts)
        if (p.kind != part_kind::text) part_kinds.push_back(p.kind == part_kind::video);
  if (vision::placeholder_kinds(out.text) != part_kinds)
    throw prompt_error("the prompt has " + std::to_string(vision::placeholder_kinds(out.text).size()) +
                           " image/video placeholders for " + std::to_string(part_kinds.size()) +
                           " media parts; text must not contain <|image_pad|> or <|video_pad|>",
                       "messages");
  vision::request_media media;
  try {
    media = vision::load_request_media(request, d.processor, d.media);
  } catch (const vision::request_media_error& e) {
    throw prompt_error(e.what(), e.param);
  }
  std::string expanded;
  try {
    expanded = vision::expand_vision_placeholders(out.text, media.placeholders);
  } catch (const std::invalid_argument& e) {
    throw prompt_error(e.what(), "messages");
  }
  out.input.prompt_ids = tok.encode(expanded);
  const auto t = int64_t(out.input.prompt_ids.size());
  if (t >= d.max_context)
    throw prompt_error("the prompt has " + std::to_string(t) + " tokens with its images and videos but the context " +
                           "holds " + std::to_string(d.max_context) +
                           "; send smaller or fewer media or shorten the conversation",
                       "messages");
  check_room(request, t, d.max_context);
  try {
    auto pos = vision::rope_index(out.input.prompt_ids, media.batch.image_grids, media.batch.video_grids,
                                  d.processor.merge_size, ids);
    out.input.positions = std::move(pos.positions);
    out.input.rope_delta = pos.rope_delta;
  } catch (const std::invalid_argument& e) {
    throw prompt_error(std::string("the prompt's vision tokens do not match its media: ") + e.what(), "messages");
  }
  out.input.visual =
      vision::encode_visual_tokens(*d.tower, out.input.prompt_ids, media.batch, ids, d.vision_cache.get());
  auto flat = [](const std::vector<vision::grid_thw>& grids) {
    std::vector<int64_t> v;
    for (const auto& g : grids) v.insert(v.end(), {g.t, g.h, g.w});
    return v;
  };
  out.image_grid_thw = flat(media.batch.image_grids);
  out.video_grid_thw = flat(media.batch.video_grids);
  out.pixel_values = std::move(media.batch.pixel_values);
  out.pixel_values_videos = std::move(media.batch.pixel_values_videos);
}

// logit_bias ids must name real tokens: the logits row is wider than the vocabulary.
void set_logit_bias(const chat_request& r, const prompt_defaults& d, sampling_params& sp) {
  for (const auto& [id, bias] : r.logit_bias)
    if (d.vocab_size && std::size_t(id) >= d.vocab_size)
      throw prompt_error("logit_bias: token " + std::to_string(id) + " is outside the vocabulary (ids 0.." +
                             std::to_string(d.vocab_size - 1) + ")",
                         "logit_bias." + std::to_string(id));
  sp.logit_bias = r.logit_bias;
}

int thinking_budget_for(const chat_request& r, const prompt_defaults& d) {
  switch (r.effort) {
    case reasoning_effort::low: return d.effort_budgets[0];
    case reasoning_effort::medium: return d.effort_budgets[1];
    case reasoning_effort::high: return d.effort_budgets[2];
    case reasoning_effort::unset: break;
  }
  return int(r.thinking_budget.value_or(0));
}

// response_format or a forced tool_choice, compiled now so a bad schema is a 400 before any work.
void set_output(const chat_request& r, decode_settings& s) {
  using grammar::output_kind;
  auto& out = s.output;
  const bool forced_tool = r.tool_choice == tool_choice_mode::required || r.tool_choice == tool_choice_mode::function;
  if (forced_tool && r.format.kind != response_format_kind::text)
    throw prompt_error("a forced tool_choice already fixes the answer's shape; drop response_format or use "
                       "tool_choice \"auto\"",
                       "response_format");
  out.parallel = r.parallel_tool_calls;
  std::string param = "response_format.json_schema.schema";
  if (forced_tool) {
    out.kind = output_kind::tool_calls;
    for (const auto& t : r.tools) out.tools_json.push_back(t.json);
    out.tool_name = r.tool_choice == tool_choice_mode::function ? r.tool_choice_function : "";
    param = "";
  } else if (r.format.kind == response_format_kind::json_object) {
    out.kind = output_kind::json_object;
  } else if (r.format.kind == response_format_kind::json_schema) {
    out.kind = output_kind::json_schema;
    out.schema_json = r.format.schema_json;
  }
  try {
    s.grammar = grammar::compile_output(out);
  } catch (const grammar::schema_error& e) {
    const std::string where = param.empty() ? e.path : e.path.empty() ? param : param + "." + e.path;
    throw prompt_error(std::string("unsupported or invalid schema: ") + e.what(), where);
  }
}

// tool_choice "none": the template still lists the tools, so the token that opens a call is banned
// (it wins over a client's own bias for it).
void ban_tool_calls(const chat_request& r, const tokenizer& tok, sampling_params& sp) {
  if (r.tools.empty() || r.tool_choice != tool_choice_mode::none) return;
  const auto id = tok.token_id("<tool_call>");
  if (!id) return;
  std::erase_if(sp.logit_bias, [&](const auto& entry) { return entry.first == *id; });
  sp.logit_bias.insert(std::lower_bound(sp.logit_bias.begin(), sp.logit_bias.end(), std::pair{*id, -100.0f}),
                       {*id, -100.0f});
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
  set_logit_bias(r, d, sp);
  s.thinking_budget = thinking_budget_for(r, d);
  set_output(r, s);
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
  built_prompt out;
  try {
    template_options options;
    options.add_vision_id = request.add_vision_id;
    out.text = render_chat_prompt(request.messages, request.tools, options);
  } catch (const std::invalid_argument& e) {
    throw prompt_error(e.what(), "messages");
  }
  // Settings first: a bad sampling value is reported before any media is fetched.
  out.input.settings = decoding_for(request, defaults);
  ban_tool_calls(request, tok, out.input.settings.sampling);
  out.input.choices = int32_t(request.n);
  if (vision::has_media(request)) {
    build_media_prompt(request, tok, defaults, out);
    return out;
  }
  out.input.prompt_ids = tok.encode(out.text);
  const auto t = int64_t(out.input.prompt_ids.size());
  if (t >= defaults.max_context)
    throw prompt_error("the prompt has " + std::to_string(t) + " tokens but the context holds " +
                           std::to_string(defaults.max_context) + "; shorten the conversation",
                       "messages");
  check_room(request, t, defaults.max_context);
  return out;
}

}  // namespace vlserve::model
