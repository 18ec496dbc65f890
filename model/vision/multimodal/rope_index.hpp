// M-RoPE position ids of a multimodal prompt, as the reference's get_rope_index (spec §4.4).
// Torch-free. Worked example (merge 2): "a <vs> [image 1×4×4] <ve> b" with ids
// [a, vs, p, p, p, p, ve, b]: a=0, vs=1, then the 2×2 merged grid at base 2 gets
// t = 2,2,2,2; h = 2,2,3,3; w = 2,3,2,3; ve restarts at max+1 = 4, b = 5. rope_delta = 6 - 8 = -2.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "model/vision/patchify.hpp"

namespace vlserve::model::vision {

struct vision_token_ids {
  int64_t image_pad = 151655;
  int64_t video_pad = 151656;
  int64_t vision_start = 151652;
};

struct mrope_positions {
  std::vector<int64_t> positions;  // 3 rows of ids.size(): t, then h, then w
  int64_t rope_delta = 0;          // max(position) + 1 - ids.size()
};

// Images are blocks of their (1, h/m, w/m) merged grid; each temporal group of a video is its own
// block with t = 0 (video time is carried by the timestamp text between groups). Every block must
// start right after a <|vision_start|> and hold exactly its pad tokens. Throws std::invalid_argument
// when the ids and the grids disagree.
mrope_positions rope_index(std::span<const int32_t> ids, const std::vector<grid_thw>& image_grids,
                           const std::vector<grid_thw>& video_grids, int64_t merge,
                           const vision_token_ids& tokens = {});

}  // namespace vlserve::model::vision
