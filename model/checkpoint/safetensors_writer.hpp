// Writes a .safetensors file from named byte buffers (used by `vlserve generate --dump` and by the
// random-weight checkpoint tool). The file is written to "<path>.tmp" and renamed, so a reader never
// sees a half-written file.
#pragma once

#include <cstdint>
#include <functional>
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
  // Fills bytes [offset, offset + n) of a tensor's data into `dst`. Called by write() in order,
  // in pieces of at most k_generate_piece bytes that start at multiples of it.
  using byte_source = std::function<void(uint64_t offset, uint8_t* dst, size_t n)>;
  static constexpr size_t k_generate_piece = size_t(16) << 20;
  // A tensor whose bytes are produced while the file is written, so a multi-GB checkpoint never
  // sits in memory (peak = one piece). Same name and size checks as add().
  void add_generated(const std::string& name, st_dtype dtype, const std::vector<int64_t>& shape,
                     byte_source source);
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
    std::vector<uint8_t> bytes;  // copied data, or empty when `source` produces it
    uint64_t nbytes = 0;
    byte_source source;
  };
  static uint64_t checked_nbytes(const std::string& name, st_dtype dtype,
                                 const std::vector<int64_t>& shape);
  std::map<std::string, pending> tensors_;  // written in name order
  std::map<std::string, std::string> metadata_;
};

}  // namespace vlserve::model
