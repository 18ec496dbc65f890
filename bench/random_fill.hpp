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
  model::st_dtype dtype = model::st_dtype::bf16;  // bf16, f32 or f8_e4m3 (others throw)
  // f8_e4m3 only: the row length of the [rows, columns] weight, to find each element's 128 x 128
  // block; the value stored is e4m3(v / random_fp8_block_scale(block)).
  int64_t columns = 0;

  // Fills bytes [offset, offset + n) of the tensor. offset and n must be multiples of the element
  // size. Uses every core for large pieces.
  void operator()(uint64_t offset, uint8_t* dst, size_t n) const;
};

// Round to nearest even, as torch's float -> bfloat16 conversion does (NaN is never produced here).
uint16_t float_to_bf16(float x);

inline constexpr int64_t k_random_fp8_block = 128;
// The weight_scale_inv of block (block_row, block_col) of a random FP8 weight: 5 standard
// deviations map to 448, times 1, 1.25, 1.5 or 1.75 by block position, so a reader that swaps
// block rows and columns gets the wrong values.
float random_fp8_block_scale(double stddev, int64_t block_row, int64_t block_col);

}  // namespace vlserve::bench
