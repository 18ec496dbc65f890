#include "hub/model_files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/json.hpp"
#include "hub/cache_layout.hpp"
#include "hub/hub_error.hpp"

namespace vlserve::hub {
namespace fs = std::filesystem;
namespace {

constexpr size_t max_index_bytes = 64u << 20;
constexpr size_t max_shards = 10000;

// exists() follows symlinks, so a snapshot link whose blob is gone counts as missing.
bool present(const std::string& dir, const std::string& name) {
  std::error_code ec;
  return fs::is_regular_file(fs::path(dir) / name, ec);
}

[[noreturn]] void bad_index(const std::string& path, const std::string& why) {
  throw hub_error(hub_error_kind::invalid_model,
                  "the weights index " + path + " is unusable (" + why +
                      "): delete it so it is downloaded again, or fix MODEL_REPO_ID");
}

}  // namespace

const std::vector<std::string>& required_files() {
  static const std::vector<std::string> files{"config.json", "generation_config.json", "tokenizer.json",
                                              "tokenizer_config.json", "preprocessor_config.json"};
  return files;
}

const std::vector<std::string>& optional_files() {
  static const std::vector<std::string> files{"chat_template.json", "video_preprocessor_config.json"};
  return files;
}

std::vector<std::string> shard_names(const std::string& index_path) {
  std::ifstream in(index_path, std::ios::binary);
  if (!in) bad_index(index_path, "cannot be read");
  std::string text(max_index_bytes + 1, '\0');
  in.read(text.data(), std::streamsize(text.size()));
  text.resize(size_t(in.gcount()));
  if (text.size() > max_index_bytes) bad_index(index_path, "larger than 64 MiB");
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError()) bad_index(index_path, rapidjson::GetParseError_En(doc.GetParseError()));
  if (!doc.IsObject() || !doc.HasMember("weight_map") || !doc["weight_map"].IsObject())
    bad_index(index_path, "no \"weight_map\" object");
  std::vector<std::string> shards;
  for (const auto& entry : doc["weight_map"].GetObject()) {
    if (!entry.value.IsString()) bad_index(index_path, "a weight_map value is not a file name");
    const std::string name = entry.value.GetString();
    try {
      check_relative_name("shard name", name);
    } catch (const hub_error& e) {
      bad_index(index_path, e.what());
    }
    if (std::find(shards.begin(), shards.end(), name) != shards.end()) continue;
    if (shards.size() == max_shards) bad_index(index_path, "more than 10000 shards");
    shards.push_back(name);
  }
  if (shards.empty()) bad_index(index_path, "the weight_map is empty");
  return shards;
}

std::vector<std::string> missing_model_files(const std::string& dir) {
  std::vector<std::string> missing;
  for (const auto& f : required_files())
    if (!present(dir, f)) missing.push_back(f);
  if (present(dir, single_weights_file)) return missing;
  if (!present(dir, weights_index_file)) {
    missing.push_back(std::string(single_weights_file) + " (or " + weights_index_file + " with its shards)");
    return missing;
  }
  for (const auto& shard : shard_names((fs::path(dir) / weights_index_file).string()))
    if (!present(dir, shard)) missing.push_back(shard);
  return missing;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace vlserve::hub
