#include "model/checkpoint/checkpoint.hpp"

#include <sys/stat.h>

#include "config/json.hpp"
#include "model/checkpoint/checkpoint_error.hpp"
#include "model/checkpoint/json_fields.hpp"

namespace vlserve::model {
namespace {

bool is_dir(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_file(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

checkpoint::checkpoint(const std::string& path) : source_(path) {
  if (!is_dir(path)) {
    open_single(path);
    return;
  }
  const std::string index = path + "/model.safetensors.index.json";
  const std::string single = path + "/model.safetensors";
  if (is_file(index)) {
    open_sharded(path, index);
  } else if (is_file(single)) {
    open_single(single);
  } else {
    throw checkpoint_error("no model.safetensors or model.safetensors.index.json in " + path);
  }
}

void checkpoint::open_single(const std::string& file) {
  files_.push_back(std::make_unique<safetensors_file>(file));
  for (const auto& n : files_.back()->names()) where_[n] = 0;
}

void checkpoint::open_sharded(const std::string& dir, const std::string& index_path) {
  rapidjson::Document doc;
  json_fields::parse_object(doc, json_fields::read_file(index_path), "corrupt index " + index_path);
  auto wm = doc.FindMember("weight_map");
  if (wm == doc.MemberEnd() || !wm->value.IsObject()) {
    throw checkpoint_error("corrupt index " + index_path + ": no 'weight_map' object");
  }
  std::map<std::string, size_t> shard_of_file;
  for (auto it = wm->value.MemberBegin(); it != wm->value.MemberEnd(); ++it) {
    const std::string name = it->name.GetString();
    if (!it->value.IsString()) {
      throw checkpoint_error("corrupt index " + index_path + ": shard of '" + name + "' is not a string");
    }
    const std::string shard = it->value.GetString();
    if (shard.empty() || shard.find('/') != std::string::npos || shard == "." || shard == "..") {
      throw checkpoint_error("index " + index_path + " names shard '" + shard +
                             "' outside the model directory");
    }
    auto [pos, fresh] = shard_of_file.emplace(shard, files_.size());
    if (fresh) files_.push_back(std::make_unique<safetensors_file>(dir + "/" + shard));
    if (!files_[pos->second]->find(name)) {
      throw checkpoint_error("tensor '" + name + "' is listed in " + index_path +
                             " but missing from " + files_[pos->second]->path());
    }
    if (!where_.emplace(name, pos->second).second) {
      throw checkpoint_error("corrupt index " + index_path + ": '" + name + "' listed twice");
    }
  }
}

std::vector<std::string> checkpoint::names() const {
  std::vector<std::string> out;
  out.reserve(where_.size());
  for (const auto& [n, _] : where_) out.push_back(n);
  return out;
}

std::optional<tensor_view> checkpoint::find(const std::string& name) const {
  auto it = where_.find(name);
  if (it == where_.end()) return std::nullopt;
  return files_[it->second]->find(name);
}

tensor_view checkpoint::get(const std::string& name) const {
  auto v = find(name);
  if (!v) throw checkpoint_error("tensor '" + name + "' is missing from checkpoint " + source_);
  return *v;
}

tensor_view checkpoint::get(const std::string& name, const std::vector<int64_t>& shape) const {
  tensor_view v = get(name);
  if (v.shape != shape) {
    throw checkpoint_error("tensor '" + name + "' in " + v.file + " has shape " +
                           shape_string(v.shape) + ", the config implies " + shape_string(shape));
  }
  return v;
}

tensor_view tensor_claims::take(const std::string& name, const std::vector<int64_t>& shape) {
  tensor_view v = ckpt_.get(name, shape);
  taken_.insert(name);
  return v;
}

std::optional<tensor_view> tensor_claims::take_optional(const std::string& name,
                                                        const std::vector<int64_t>& shape) {
  if (!ckpt_.contains(name)) return std::nullopt;
  return take(name, shape);
}

void tensor_claims::expect_all_taken(const std::string& prefix) const {
  std::vector<std::string> extra;
  for (const auto& n : ckpt_.names()) {
    if (n.compare(0, prefix.size(), prefix) == 0 && taken_.count(n) == 0) extra.push_back(n);
  }
  if (extra.empty()) return;
  std::string list;
  for (size_t i = 0; i < extra.size() && i < 8; ++i) list += (i ? ", '" : "'") + extra[i] + "'";
  if (extra.size() > 8) list += " and " + std::to_string(extra.size() - 8) + " more";
  throw checkpoint_error("unexpected tensor(s) in checkpoint " + ckpt_.source() + ": " + list +
                         " (config does not describe them; wrong model or config?)");
}

}  // namespace vlserve::model
