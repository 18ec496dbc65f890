#include "model/checkpoint/safetensors_file.hpp"

#include "model/checkpoint/checkpoint_error.hpp"

namespace vlserve::model {

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

safetensors_file::safetensors_file(const std::string& path)
    : map_(path), header_(parse_safetensors_header(map_.data(), map_.size(), path)) {
  for (size_t i = 0; i < header_.tensors.size(); ++i) {
    if (!index_.emplace(header_.tensors[i].name, i).second) {
      throw checkpoint_error("corrupt safetensors file " + path + ": tensor '" +
                             header_.tensors[i].name + "' is listed twice");
    }
  }
}

std::vector<std::string> safetensors_file::names() const {
  std::vector<std::string> out;
  out.reserve(index_.size());
  for (const auto& [name, _] : index_) out.push_back(name);
  return out;
}

std::optional<tensor_view> safetensors_file::find(const std::string& name) const {
  auto it = index_.find(name);
  if (it == index_.end()) return std::nullopt;
  const tensor_entry& e = header_.tensors[it->second];
  tensor_view v;
  v.name = name;
  v.file = map_.path();
  v.dtype = e.dtype;
  v.shape = e.shape;
  v.data = map_.data() + header_.data_start + e.begin;
  v.nbytes = e.end - e.begin;
  return v;
}

tensor_view safetensors_file::get(const std::string& name) const {
  auto v = find(name);
  if (!v) throw checkpoint_error("tensor '" + name + "' is missing from " + map_.path());
  return *v;
}

}  // namespace vlserve::model
