// Where each patch sits, as the vision tower needs it (spec §5.3, §5.4): the learned position
// embedding resampled per item, the 2-D rotary angles, and the attention segments. All three
// follow the merge-block-major row order of the patch rows (spec §5.1). Model-internal (ATen).
#pragma once

#include <ATen/ATen.h>

#include <vector>

#include "model/vision/patchify.hpp"

namespace vlserve::model::vision {

// [N, hidden] in the table's dtype: the 48×48 (or side×side) table bilinearly resampled to each
// item's h×w patch grid ("align corners", weights rounded to the table dtype like the reference),
// reordered into 2×2 merge windows and repeated for every temporal group.
at::Tensor resampled_position_embedding(const at::Tensor& table, const std::vector<grid_thw>& grids,
                                        int64_t merge);

struct rotary_tables {
  at::Tensor cos, sin;  // float32 [N, head_dim]
};
// Angles row·f_k and col·f_k (f_k = 10000^(-2k/(head_dim/2))), concatenated then doubled for the
// rotate-half convention: the first quarter of each half rotates by patch row, the second by column.
rotary_tables vision_rotary(const std::vector<grid_thw>& grids, int64_t merge, int64_t head_dim,
                            const at::Device& device);

// Patch counts of the attention segments: one per temporal group of each item (h·w each).
std::vector<int64_t> attention_segments(const std::vector<grid_thw>& grids);

}  // namespace vlserve::model::vision
