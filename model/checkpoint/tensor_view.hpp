// A borrowed, typed view of one tensor's bytes inside a mapped checkpoint file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "model/checkpoint/dtype.hpp"

namespace vlserve::model {

struct tensor_view {
  std::string name;
  std::string file;  // the file it lives in, for error messages
  st_dtype dtype = st_dtype::f32;
  std::vector<int64_t> shape;
  const void* data = nullptr;  // valid while the owning safetensors_file / checkpoint lives
  size_t nbytes = 0;           // may be unaligned for the dtype: copy before typed access

  int64_t numel() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
  }
};

// "[151936, 2048]"
std::string shape_string(const std::vector<int64_t>& shape);

}  // namespace vlserve::model
