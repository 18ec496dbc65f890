// Inner loops of the int8 GEMV, one per instruction set, each in its own translation unit compiled
// with that ISA's -m flags (see gemv_isa_kernels.hpp for why they include nothing else). Internal
// to model/text/kernels: callers use int8_gemv.hpp.
#pragma once

#include <cstdint>

#include "model/text/kernels/gemv_output.hpp"

namespace vlserve::model::kernels::detail {

// The packed operands of one call. Rows of x and w hold kp int8 values (kp a multiple of 128,
// zero-padded); a group g of row r covers values [128 g, 128 g + 128).
struct q8_operands {
  const int8_t* xq;      // rows x kp
  const int8_t* xabs;    // rows x kp: |xq| (AVX2 feeds it to vpmaddubsw as the unsigned operand)
  const float* xscale;   // rows x groups
  const int32_t* xsum;   // rows x groups: sum of the group's xq values
  int64_t rows, kp, groups;
  const int8_t* w;       // [*, kp]
  const float* wscale;   // [*, groups]
};

void gemv_q8_rows_avx2(const q8_operands& op, int64_t n_begin, int64_t n_end, const gemv_output& y);
void gemv_q8_rows_avx512_vnni(const q8_operands& op, int64_t n_begin, int64_t n_end,
                              const gemv_output& y);

}  // namespace vlserve::model::kernels::detail
