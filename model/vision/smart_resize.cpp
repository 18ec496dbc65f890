#include "model/vision/smart_resize.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "model/vision/media_error.hpp"

namespace vlserve::model::vision {
namespace {

// Python's round(): ties go to the even neighbour (48/32 = 1.5 -> 2, 80/32 = 2.5 -> 2).
int64_t round_half_even(double x) { return static_cast<int64_t>(std::nearbyint(x)); }

void check_aspect(int64_t height, int64_t width) {
  const double ratio = static_cast<double>(std::max(height, width)) /
                       static_cast<double>(std::min(height, width));
  if (ratio > 200.0)
    throw media_error("aspect ratio " + std::to_string(width) + "x" + std::to_string(height) +
                      " is above 200:1");
}

// Shared tail of both rules, in the reference's operation order (all doubles). `count` is the
// frame count (1 for images) used for beta; `rounded_count` the rounded count used for the test.
resized_size fit_budget(double count, int64_t rounded_count, int64_t height, int64_t width,
                        int factor, const pixel_budget& budget) {
  const double f = factor;
  int64_t h = round_half_even(static_cast<double>(height) / f) * factor;
  int64_t w = round_half_even(static_cast<double>(width) / f) * factor;
  const double hd = static_cast<double>(height), wd = static_cast<double>(width);
  if (rounded_count * h * w > budget.max_pixels) {
    const double beta = std::sqrt((count * hd * wd) / static_cast<double>(budget.max_pixels));
    h = std::max<int64_t>(factor, static_cast<int64_t>(std::floor(hd / beta / f)) * factor);
    w = std::max<int64_t>(factor, static_cast<int64_t>(std::floor(wd / beta / f)) * factor);
  } else if (rounded_count * h * w < budget.min_pixels) {
    const double beta = std::sqrt(static_cast<double>(budget.min_pixels) / (count * hd * wd));
    h = static_cast<int64_t>(std::ceil(hd * beta / f)) * factor;
    w = static_cast<int64_t>(std::ceil(wd * beta / f)) * factor;
  }
  return {h, w};
}

}  // namespace

resized_size smart_resize_image(int64_t height, int64_t width, int factor, const pixel_budget& budget) {
  if (height <= 0 || width <= 0) throw media_error("image has zero width or height");
  check_aspect(height, width);
  return fit_budget(1.0, 1, height, width, factor, budget);
}

resized_size smart_resize_video(int64_t frames, int64_t height, int64_t width, int temporal_factor,
                                int factor, const pixel_budget& budget) {
  if (frames < temporal_factor)
    throw media_error("video has " + std::to_string(frames) + " sampled frame(s); at least " +
                      std::to_string(temporal_factor) + " are needed");
  if (height < factor || width < factor)
    throw media_error("video frames are " + std::to_string(width) + "x" + std::to_string(height) +
                      "; both sides must be at least " + std::to_string(factor) + " pixels");
  check_aspect(height, width);
  const int64_t t = round_half_even(static_cast<double>(frames) / temporal_factor) * temporal_factor;
  return fit_budget(static_cast<double>(frames), t, height, width, factor, budget);
}

}  // namespace vlserve::model::vision
