// Which position stream (t, h, w) each rotary frequency of a head reads, for interleaved M-RoPE
// (spec §4.2). Torch-free so it can be tested and documented without libtorch.
// Worked example: head_dim 32, section [6, 5, 5] -> 16 frequencies "THWTHWTHWTHWTHWT";
// head_dim 128, section [24, 20, 20] -> "THW" x 20 then "TTTT".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vlserve::model {

// Entry j (0 <= j < head_dim/2): 0 = t, 1 = h, 2 = w. Frequency j reads h when j % 3 == 1 and
// j < 3*section[1], w when j % 3 == 2 and j < 3*section[2], otherwise t.
std::vector<int64_t> mrope_streams(int64_t head_dim, const std::vector<int64_t>& section);
// The same as letters, e.g. "THWTHWTHWTHWTHWT".
std::string mrope_channel_map(int64_t head_dim, const std::vector<int64_t>& section);

}  // namespace vlserve::model
