// Target size of an image / video frame for the vision tower (spec §6.3, §7.3): both sides a
// multiple of `factor` (patch·merge = 32) and the pixel count inside the budget.
#pragma once

#include <cstdint>

#include "model/vision/vision_config.hpp"

namespace vlserve::model::vision {

struct resized_size {
  int64_t height = 0;
  int64_t width = 0;
};

// Images: Qwen2VLImageProcessorFast's rule (with the max(factor, …) guard). Throws media_error
// for a zero side or an aspect ratio above 200.
resized_size smart_resize_image(int64_t height, int64_t width, int factor, const pixel_budget& budget);

// Videos: Qwen3VLVideoProcessor's rule; the budget applies to frames·h·w. Throws media_error
// when frames < temporal_factor, a side is below `factor`, or the aspect ratio is above 200.
resized_size smart_resize_video(int64_t frames, int64_t height, int64_t width, int temporal_factor,
                                int factor, const pixel_budget& budget);

}  // namespace vlserve::model::vision
