#include "cli/generate_output.hpp"

#include "config/json.hpp"
#include "model/checkpoint/safetensors_writer.hpp"
#include "model/sampling/stop_conditions.hpp"

namespace vlserve::cli {

void generation_result::add(const model::runner_event& ev) {
  if (ev.delta.token >= 0) generated_ids.push_back(ev.delta.token);
  reasoning += ev.delta.reasoning;
  content += ev.delta.content;
  tool_calls.insert(tool_calls.end(), ev.delta.tool_calls.begin(), ev.delta.tool_calls.end());
  if (!ev.prompt_logits.empty()) prompt_logits = ev.prompt_logits;
  if (ev.finished) {
    finish_reason = ev.delta.tool_calls_finish ? "tool_calls" : model::finish_reason_name(ev.delta.finish);
    prompt_tokens = ev.prompt_tokens;
    completion_tokens = ev.completion_tokens;
    reasoning_tokens = ev.reasoning_tokens;
  }
}

void print_result_json(std::ostream& os, const std::string& prompt, const std::vector<int32_t>& input_ids,
                       const generation_result& r) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  auto put = [&w](const char* key, const std::string& v) {
    w.Key(key);
    w.String(v.c_str(), rapidjson::SizeType(v.size()));
  };
  auto put_ids = [&w](const char* key, const std::vector<int32_t>& ids) {
    w.Key(key);
    w.StartArray();
    for (auto id : ids) w.Int(id);
    w.EndArray();
  };
  w.StartObject();
  put("prompt", prompt);
  put_ids("input_ids", input_ids);
  put_ids("generated_ids", r.generated_ids);
  put("reasoning_content", r.reasoning);
  put("content", r.content);
  if (!r.tool_calls.empty()) {
    w.Key("tool_calls");
    w.StartArray();
    for (const auto& c : r.tool_calls) {
      w.StartObject();
      put("name", c.name);
      put("arguments", c.arguments);
      w.EndObject();
    }
    w.EndArray();
  }
  put("finish_reason", r.finish_reason);
  w.Key("usage");
  w.StartObject();
  w.Key("prompt_tokens");
  w.Int(r.prompt_tokens);
  w.Key("completion_tokens");
  w.Int(r.completion_tokens);
  w.Key("total_tokens");
  w.Int(r.prompt_tokens + r.completion_tokens);
  w.Key("completion_tokens_details");
  w.StartObject();
  w.Key("reasoning_tokens");
  w.Int(r.reasoning_tokens);
  w.EndObject();
  w.EndObject();
  w.EndObject();
  os << sb.GetString() << "\n";
}

void write_dump(const std::string& path, const std::vector<int32_t>& input_ids, const std::vector<int64_t>& positions,
                int64_t rope_delta, const generation_result& r, const model::built_prompt& built, int64_t vocab) {
  const auto t = int64_t(input_ids.size());
  model::safetensors_writer out;
  out.add_i64("input_ids", {t}, std::vector<int64_t>(input_ids.begin(), input_ids.end()));
  std::vector<int64_t> pos = positions;
  if (pos.empty())  // text-only prompt: 0..T-1 on all three rows
    for (int row = 0; row < 3; ++row)
      for (int64_t i = 0; i < t; ++i) pos.push_back(i);
  out.add_i64("position_ids", {3, t}, pos);
  out.add_i64("rope_deltas", {1}, {rope_delta});
  const auto rows = int64_t(r.prompt_logits.size()) / vocab;
  out.add_f32("logits_last4", {rows, vocab}, r.prompt_logits);
  out.add_i64("generated_ids", {int64_t(r.generated_ids.size())},
              std::vector<int64_t>(r.generated_ids.begin(), r.generated_ids.end()));
  const int64_t patch = 3 * 2 * 16 * 16;
  if (!built.pixel_values.empty()) {
    out.add_f32("pixel_values", {int64_t(built.pixel_values.size()) / patch, patch}, built.pixel_values);
    out.add_i64("image_grid_thw", {int64_t(built.image_grid_thw.size()) / 3, 3}, built.image_grid_thw);
  }
  if (!built.pixel_values_videos.empty()) {
    out.add_f32("pixel_values_videos", {int64_t(built.pixel_values_videos.size()) / patch, patch},
                built.pixel_values_videos);
    out.add_i64("video_grid_thw", {int64_t(built.video_grid_thw.size()) / 3, 3}, built.video_grid_thw);
  }
  out.write(path);
}

}  // namespace vlserve::cli
