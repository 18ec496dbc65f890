// Writes a .safetensors file from named byte buffers (used by `vlserve generate --dump` and by the
// random-weight checkpoint tool). The file is written to "<path>.tmp" and renamed, so a reader never
// sees a half-written file.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/checkpoint/dtype.hpp"

namespace vlserve::model {

class safetensors_writer {
 public:
  // Copies `nbytes` from `data`; nbytes must equal numel(shape) x size(dtype) (checked, throws
  // checkpoint_error naming the tensor). A name may be added once.
  void add(const std::string& name, st_dtype dtype, const std::vector<int64_t>& shape,
           const void* data, size_t nbytes);
  void add_f32(const std::string& name, const std::vector<int64_t>& shape, const std::vector<float>& v);
  void add_i64(const std::string& name, const std::vector<int64_t>& shape, const std::vector<int64_t>& v);
  void set_metadata(const std::string& key, const std::string& value) { metadata_[key] = value; }
  size_t size() const { return tensors_.size(); }

  // Throws checkpoint_error naming the path when it cannot be written.
  void write(const std::string& path) const;

 private:
  struct pending {
    st_dtype dtype;
    std::vector<int64_t> shape;
    std::vector<uint8_t> bytes;
  };
  std::map<std::string, pending> tensors_;  // written in name order
  std::map<std::string, std::string> metadata_;
};

}  // namespace vlserve::model
