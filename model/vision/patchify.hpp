// Normalise resized frames and flatten them into the vision tower's patch rows (spec §5.1):
// rows in merge-block-major order, each row (c, tt, y, x) with x fastest.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "model/vision/rgb_image.hpp"
#include "model/vision/vision_config.hpp"

namespace vlserve::model::vision {

struct grid_thw {
  int64_t t = 0;  // temporal patches (frame pairs)
  int64_t h = 0;  // patch rows (16 px)
  int64_t w = 0;  // patch columns

  int64_t patches() const { return t * h * w; }
};

struct patch_rows {
  grid_thw grid;
  std::vector<float> values;  // grid.patches() rows of cfg.patch_dim()
};

// All frames share one size, a multiple of patch·merge on both sides. A frame count that is not
// a multiple of temporal_patch_size is padded by repeating the last frame (an image is a 1-frame
// clip). Values are (x − 255·mean) / (255·std) in float32, the reference's fused rescale+normalise.
patch_rows patchify(const std::vector<const rgb_image*>& frames, const processor_config& cfg,
                    const std::array<double, 3>& mean, const std::array<double, 3>& std);

}  // namespace vlserve::model::vision
