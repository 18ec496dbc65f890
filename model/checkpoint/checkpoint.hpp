// A Hugging Face checkpoint: one model.safetensors, or shards listed by model.safetensors.index.json.
// Loaders look tensors up by their HF names; `get` with a shape checks it, and `claim_all` reports
// tensors under a prefix that no loader asked for (a checkpoint for another architecture).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/checkpoint/safetensors_file.hpp"

namespace vlserve::model {

class checkpoint {
 public:
  // `path` is a model directory or a single .safetensors file. In a directory the index file wins
  // over model.safetensors. Throws checkpoint_error naming the file on any defect.
  explicit checkpoint(const std::string& path);

  const std::string& source() const { return source_; }
  std::vector<std::string> names() const;  // sorted, over all shards
  bool contains(const std::string& name) const { return where_.count(name) != 0; }
  std::optional<tensor_view> find(const std::string& name) const;
  // Missing -> error naming the checkpoint and the tensor.
  tensor_view get(const std::string& name) const;
  // Also checks the shape; a mismatch names the file, the tensor, both shapes.
  tensor_view get(const std::string& name, const std::vector<int64_t>& shape) const;

 private:
  void open_single(const std::string& file);
  void open_sharded(const std::string& dir, const std::string& index_path);

  std::string source_;
  std::vector<std::unique_ptr<safetensors_file>> files_;
  std::map<std::string, size_t> where_;  // tensor name -> index into files_
};

// Records which tensors a loader used, so leftovers under its prefix can be reported.
class tensor_claims {
 public:
  explicit tensor_claims(const checkpoint& ckpt) : ckpt_(ckpt) {}
  tensor_view take(const std::string& name, const std::vector<int64_t>& shape);
  std::optional<tensor_view> take_optional(const std::string& name, const std::vector<int64_t>& shape);
  // Throws checkpoint_error listing (up to 8) tensors starting with `prefix` that were not taken.
  void expect_all_taken(const std::string& prefix) const;

 private:
  const checkpoint& ckpt_;
  std::set<std::string> taken_;
};

}  // namespace vlserve::model
