// A decoded picture: 8-bit RGB, rows packed top to bottom, channels interleaved (HWC).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vlserve::model::vision {

struct rgb_image {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // height·width·3

  uint8_t at(int y, int x, int c) const {
    return pixels[(static_cast<std::size_t>(y) * width + x) * 3 + c];
  }
};

}  // namespace vlserve::model::vision
