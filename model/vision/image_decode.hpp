// Decoding an uploaded image file (PNG, JPEG, WebP, GIF first frame, BMP) to 8-bit RGB.
#pragma once

#include <cstdint>
#include <span>

#include "model/vision/rgb_image.hpp"
#include "model/vision/vision_config.hpp"

namespace vlserve::model::vision {

// Throws media_error for empty, oversized (bytes or pixels), truncated, corrupt or unsupported
// data; the message says which.
rgb_image decode_image(std::span<const uint8_t> bytes, const media_limits& limits);

}  // namespace vlserve::model::vision
