#include "tests/vision_tower/mm_case.hpp"

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "config/json.hpp"
#include "http/chat_request_parser.hpp"
#include "model/checkpoint/checkpoint.hpp"
#include "tests/support/child_process.hpp"
#include "tests/text/text_case.hpp"

namespace vlserve::testing {
namespace {

tower_golden read_tower(const model::checkpoint& ckpt, const std::string& pixels, const std::string& grid,
                        const std::string& kind) {
  using model::st_dtype;
  tower_golden g;
  if (!ckpt.contains(grid)) return g;
  g.pixel_values = read_as<float>(ckpt, pixels, st_dtype::f32);
  const auto thw = read_as<int64_t>(ckpt, grid, st_dtype::i64);
  for (size_t i = 0; i + 2 < thw.size(); i += 3) g.grids.push_back({thw[i], thw[i + 1], thw[i + 2]});
  g.embeds = read_as<float>(ckpt, kind + "_embeds", st_dtype::f32);
  for (int k = 0; ckpt.contains(kind + "_deepstack_" + std::to_string(k)); ++k)
    g.deepstack.push_back(read_as<float>(ckpt, kind + "_deepstack_" + std::to_string(k), st_dtype::f32));
  return g;
}

std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

std::vector<std::string> mm_case_names() { return {"image_single", "image_two", "video_single", "image_and_video"}; }

mm_case load_mm_case(const std::string& name) {
  const std::string base = fixtures_dir() + "/qwen3vl-tiny/cases/" + name;
  rapidjson::Document doc;
  const std::string text = read_text(base + ".json");
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("request"))
    throw std::runtime_error(base + ".json has no request object");
  rapidjson::StringBuffer body;
  rapidjson::Writer<rapidjson::StringBuffer> writer(body);
  doc["request"].Accept(writer);

  mm_case c;
  c.name = name;
  c.request = http::parse_chat_request(std::string_view(body.GetString(), body.GetSize()));
  for (const auto& m : doc["greedy_top1_top2_margins"].GetArray()) c.top1_top2_margins.push_back(m.GetDouble());

  const model::checkpoint ckpt(base + ".safetensors");
  using model::st_dtype;
  c.input_ids = read_as<int64_t>(ckpt, "input_ids", st_dtype::i64);
  c.position_ids = read_as<int64_t>(ckpt, "position_ids", st_dtype::i64);
  c.rope_delta = read_as<int64_t>(ckpt, "rope_deltas", st_dtype::i64).at(0);
  c.logits_last4 = read_as<float>(ckpt, "logits_last4", st_dtype::f32);
  c.generated_ids = read_as<int64_t>(ckpt, "generated_ids", st_dtype::i64);
  c.images = read_tower(ckpt, "pixel_values", "image_grid_thw", "image");
  c.videos = read_tower(ckpt, "pixel_values_videos", "video_grid_thw", "video");
  return c;
}

}  // namespace vlserve::testing
