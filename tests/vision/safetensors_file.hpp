// A minimal safetensors reader for the vision goldens (tests only; the model's own reader lives
// in model/checkpoint/). Loads the whole file; throws std::runtime_error on a malformed file.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace vlserve::testing {

struct stored_tensor {
  std::string dtype;            // "U8", "I64", "F32", ...
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;   // raw little-endian data
};

std::map<std::string, stored_tensor> read_safetensors(const std::string& path);

// Bytes of a whole file (throws when it cannot be read).
std::vector<uint8_t> read_file_bytes(const std::string& path);

// Little-endian int64 values of an I64 tensor.
std::vector<int64_t> as_int64(const stored_tensor& t);

}  // namespace vlserve::testing
