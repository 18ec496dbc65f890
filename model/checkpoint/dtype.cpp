#include "model/checkpoint/dtype.hpp"

#include <array>
#include <utility>

namespace vlserve::model {
namespace {

struct dtype_row {
  st_dtype type;
  std::string_view name;
  size_t size;
};

constexpr std::array<dtype_row, 15> k_rows{{
    {st_dtype::boolean, "BOOL", 1},   {st_dtype::u8, "U8", 1},
    {st_dtype::i8, "I8", 1},          {st_dtype::u16, "U16", 2},
    {st_dtype::i16, "I16", 2},        {st_dtype::f16, "F16", 2},
    {st_dtype::bf16, "BF16", 2},      {st_dtype::u32, "U32", 4},
    {st_dtype::i32, "I32", 4},        {st_dtype::f32, "F32", 4},
    {st_dtype::u64, "U64", 8},        {st_dtype::i64, "I64", 8},
    {st_dtype::f64, "F64", 8},        {st_dtype::f8_e4m3, "F8_E4M3", 1},
    {st_dtype::f8_e5m2, "F8_E5M2", 1},
}};

const dtype_row& row_of(st_dtype t) {
  for (const auto& r : k_rows) {
    if (r.type == t) return r;
  }
  return k_rows[0];  // unreachable: every enumerator has a row
}

}  // namespace

std::optional<st_dtype> parse_st_dtype(std::string_view name) {
  for (const auto& r : k_rows) {
    if (r.name == name) return r.type;
  }
  return std::nullopt;
}

std::string_view st_dtype_name(st_dtype t) { return row_of(t).name; }

size_t st_dtype_size(st_dtype t) { return row_of(t).size; }

}  // namespace vlserve::model
