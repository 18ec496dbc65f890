// Parsing and validation of a safetensors header: u64 little-endian length, then that many bytes
// of JSON mapping tensor names to {dtype, shape, data_offsets}, then the data block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/checkpoint/dtype.hpp"

namespace vlserve::model {

struct tensor_entry {
  std::string name;
  st_dtype dtype = st_dtype::f32;
  std::vector<int64_t> shape;
  size_t begin = 0;  // byte offsets relative to the start of the data block
  size_t end = 0;
};

struct safetensors_header {
  size_t data_start = 0;  // 8 + header length
  std::vector<tensor_entry> tensors;  // sorted by begin offset
  std::map<std::string, std::string> metadata;
};

// Header JSON beyond this is treated as corruption (real checkpoints stay well under 1 MiB).
inline constexpr size_t k_max_header_bytes = size_t(100) << 20;

// Validates size, JSON, dtypes, shapes, offsets inside the file, no overlaps and
// shape x dtype = byte length. Throws checkpoint_error naming `path` and the tensor.
safetensors_header parse_safetensors_header(const uint8_t* file, size_t file_size,
                                            const std::string& path);

}  // namespace vlserve::model
