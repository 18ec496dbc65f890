// Element types a safetensors file may declare, with their byte sizes. Torch-free on purpose:
// the reader and writer are used by tools and tests that never load libtorch.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace vlserve::model {

enum class st_dtype {
  boolean,
  u8,
  i8,
  u16,
  i16,
  f16,
  bf16,
  u32,
  i32,
  f32,
  u64,
  i64,
  f64,
  f8_e4m3,
  f8_e5m2,
};

// Header spelling ("BF16", "F32", ...) to enum; nullopt for a name the format does not define.
std::optional<st_dtype> parse_st_dtype(std::string_view name);
// Enum to header spelling.
std::string_view st_dtype_name(st_dtype t);
size_t st_dtype_size(st_dtype t);

}  // namespace vlserve::model
