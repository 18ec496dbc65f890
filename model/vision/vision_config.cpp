#include "model/vision/vision_config.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "config/json.hpp"

namespace vlserve::model::vision {
namespace {

rapidjson::Document parse_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::stringstream text;
  text << in.rdbuf();
  rapidjson::Document doc;
  doc.Parse(text.str().c_str());
  if (doc.HasParseError() || !doc.IsObject())
    throw std::runtime_error(path.string() + ": not a JSON object");
  return doc;
}

void read_int(const rapidjson::Value& obj, const char* key, int& out) {
  auto it = obj.FindMember(key);
  if (it != obj.MemberEnd()) out = it->value.GetInt();
}

void read_double(const rapidjson::Value& obj, const char* key, double& out) {
  auto it = obj.FindMember(key);
  if (it != obj.MemberEnd()) out = it->value.GetDouble();
}

void read_triple(const rapidjson::Value& obj, const char* key, std::array<double, 3>& out) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return;
  const auto& arr = it->value.GetArray();
  if (arr.Size() != 3) throw std::runtime_error(std::string(key) + " must have 3 entries");
  for (unsigned i = 0; i < 3; ++i) out[i] = arr[i].GetDouble();
}

void read_budget(const rapidjson::Value& obj, pixel_budget& out) {
  auto size = obj.FindMember("size");
  if (size != obj.MemberEnd()) {
    auto lo = size->value.FindMember("shortest_edge");
    auto hi = size->value.FindMember("longest_edge");
    if (lo != size->value.MemberEnd()) out.min_pixels = lo->value.GetInt64();
    if (hi != size->value.MemberEnd()) out.max_pixels = hi->value.GetInt64();
  }
  // Older configs spell the same budget as min_pixels / max_pixels.
  auto lo = obj.FindMember("min_pixels");
  auto hi = obj.FindMember("max_pixels");
  if (lo != obj.MemberEnd() && lo->value.IsNumber()) out.min_pixels = lo->value.GetInt64();
  if (hi != obj.MemberEnd() && hi->value.IsNumber()) out.max_pixels = hi->value.GetInt64();
}

}  // namespace

processor_config load_processor_config(const std::string& model_dir) {
  processor_config cfg;
  const std::filesystem::path dir(model_dir);
  const auto image_path = dir / "preprocessor_config.json";
  try {
    auto doc = parse_file(image_path);
    read_int(doc, "patch_size", cfg.patch_size);
    read_int(doc, "temporal_patch_size", cfg.temporal_patch_size);
    read_int(doc, "merge_size", cfg.merge_size);
    read_triple(doc, "image_mean", cfg.image_mean);
    read_triple(doc, "image_std", cfg.image_std);
    read_budget(doc, cfg.image);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(image_path.string() + ": " + e.what());
  }
  const auto video_path = dir / "video_preprocessor_config.json";
  if (std::filesystem::exists(video_path)) {
    try {
      auto doc = parse_file(video_path);
      read_triple(doc, "image_mean", cfg.video_mean);
      read_triple(doc, "image_std", cfg.video_std);
      read_budget(doc, cfg.video);
      read_double(doc, "fps", cfg.video_fps);
      read_int(doc, "min_frames", cfg.video_min_frames);
      read_int(doc, "max_frames", cfg.video_max_frames);
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(video_path.string() + ": " + e.what());
    }
  }
  if (cfg.patch_size <= 0 || cfg.temporal_patch_size <= 0 || cfg.merge_size <= 0)
    throw std::runtime_error(image_path.string() + ": patch sizes must be positive");
  for (int c = 0; c < 3; ++c)
    if (cfg.image_std[c] == 0.0 || cfg.video_std[c] == 0.0)
      throw std::runtime_error(image_path.string() + ": std must be non-zero");
  return cfg;
}

}  // namespace vlserve::model::vision
