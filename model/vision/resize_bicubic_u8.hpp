// Bicubic resize with antialiasing on 8-bit RGB, bit-exact with torch's uint8 path
// (`torchvision.transforms.v2.functional.resize(uint8, BICUBIC, antialias=True)`, which runs
// ATen's separable Pillow-style kernel with int16 fixed-point weights).
#pragma once

#include "model/vision/rgb_image.hpp"

namespace vlserve::model::vision {

// Returns `src` unchanged when the size already matches. out_height/out_width must be > 0.
rgb_image resize_bicubic_u8(const rgb_image& src, int out_height, int out_width);

}  // namespace vlserve::model::vision
