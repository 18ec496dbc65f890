// Image preprocessing for Qwen3-VL (spec §6.2): bytes → RGB → smart_resize → bicubic resize →
// normalised patch rows + grid, and the number of <|image_pad|> tokens the prompt needs.
// Torch-free: the model worker wraps `patches.values` in a tensor.
#pragma once

#include <cstdint>
#include <span>

#include "model/vision/patchify.hpp"
#include "model/vision/rgb_image.hpp"
#include "model/vision/vision_config.hpp"

namespace vlserve::model::vision {

struct processed_image {
  rgb_image resized;     // what was patchified (smart_resize size)
  patch_rows patches;    // pixel_values rows [t·h·w, 1536] and image_grid_thw (1, h, w)
  int64_t pad_tokens = 0;  // <|image_pad|> count: t·h·w / merge²
};

// Throws media_error (bad data, limits, aspect ratio). Per-request min/max pixel overrides:
// pass a copy of cfg with cfg.image changed.
processed_image preprocess_image(std::span<const uint8_t> bytes, const processor_config& cfg,
                                 const media_limits& limits);

// Same from an already decoded picture.
processed_image preprocess_rgb_image(const rgb_image& image, const processor_config& cfg,
                                     const media_limits& limits);

}  // namespace vlserve::model::vision
