// Converting a decoded FFmpeg frame to 8-bit RGB, the way the reference did for each kind of
// input. Internal to model/vision.
#pragma once

#include "model/vision/rgb_image.hpp"

struct AVFrame;

namespace vlserve::model::vision {

// Still images, as PIL's `convert("RGB")` (what HF's convert_to_rgb calls): alpha is dropped,
// not composited (the colour stored under a transparent pixel shows, as in the reference's
// rgba_64x48.png golden), grey is replicated, palettes are expanded, 16-bit samples keep their
// high byte.
rgb_image still_frame_to_rgb(const AVFrame& frame);

// Video frames, as PyAV's `to_ndarray(format="rgb24")`: swscale, bilinear, alpha dropped.
rgb_image video_frame_to_rgb(const AVFrame& frame);

}  // namespace vlserve::model::vision
