// One memory-mapped .safetensors file with a validated header.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/checkpoint/mapped_file.hpp"
#include "model/checkpoint/safetensors_header.hpp"
#include "model/checkpoint/tensor_view.hpp"

namespace vlserve::model {

class safetensors_file {
 public:
  // Maps and validates the file; throws checkpoint_error naming the path and tensor on any defect.
  explicit safetensors_file(const std::string& path);

  const std::string& path() const { return map_.path(); }
  std::vector<std::string> names() const;  // sorted
  std::optional<tensor_view> find(const std::string& name) const;
  // Like find, but a missing tensor is an error naming the file and the tensor.
  tensor_view get(const std::string& name) const;
  const std::map<std::string, std::string>& metadata() const { return header_.metadata; }

 private:
  mapped_file map_;
  safetensors_header header_;
  std::map<std::string, size_t> index_;  // name -> position in header_.tensors
};

}  // namespace vlserve::model
