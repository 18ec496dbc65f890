// Deterministic random tensor bytes, produced piece by piece so a multi-GB checkpoint can be
// streamed to disk. Values depend only on (seed, tensor name, element index), never on how the
// writer splits the data, so the same seed always gives the same file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "bench/checkpoint_shape.hpp"
#include "model/checkpoint/dtype.hpp"

namespace vlserve::bench {

struct random_fill {
  uint64_t seed = 0;
  std::string name;  // mixed into the stream so tensors differ
  tensor_init init = tensor_init::normal;
  double stddev = 0.02;  // Hugging Face initializer_range
  model::st_dtype dtype = model::st_dtype::bf16;  // bf16 or f32 (others throw std::invalid_argument)

  // Fills bytes [offset, offset + n) of the tensor. offset and n must be multiples of the element
  // size. Uses every core for large pieces.
  void operator()(uint64_t offset, uint8_t* dst, size_t n) const;
};

// Round to nearest even, as torch's float -> bfloat16 conversion does (NaN is never produced here).
uint16_t float_to_bf16(float x);

}  // namespace vlserve::bench
