#include "model/vision/tower/tower_timing.hpp"

#include <chrono>
#include <stdexcept>
#include <vector>

#include "model/vision/tower/vision_features.hpp"

namespace vlserve::model::vision {

double tower_flops(const vision_config& c, const grid_thw& g) {
  const double patches = double(g.patches());
  const double frame = double(g.h * g.w);  // one attention segment per frame
  const double d = double(c.hidden_size), ff = double(c.intermediate_size);
  const double patch_in = double(c.in_channels * c.temporal_patch_size * c.patch_size * c.patch_size);
  const double embed = 2 * patches * patch_in * d;
  const double projections = 2 * patches * d * (3 * d + d + 2 * ff);
  const double attention = 2 * 2 * double(g.t) * frame * frame * d;  // scores, then weighted values
  const double merged = patches / double(c.spatial_merge_size * c.spatial_merge_size);
  const double wide = d * double(c.spatial_merge_size * c.spatial_merge_size);
  const double merger = 2 * merged * (wide * wide + wide * double(c.out_hidden_size));
  const double mergers = double(1 + c.deepstack_visual_indexes.size());
  return embed + double(c.depth) * (projections + attention) + mergers * merger;
}

std::vector<double> time_tower(const vision_tower& tower, const grid_thw& g, int repeat) {
  if (repeat < 1 || repeat > 100) throw std::invalid_argument("time_tower: repeat must be 1..100");
  const auto& c = tower.config();
  const size_t row = size_t(c.in_channels * c.temporal_patch_size * c.patch_size * c.patch_size);
  // Values in the range preprocessing gives; their content does not change the work.
  std::vector<float> pixels(size_t(g.patches()) * row);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = float(i % 251) / 125.0f - 1.0f;
  const auto once = [&] {
    const auto t0 = std::chrono::steady_clock::now();
    const vision_features f = tower.encode(pixels, {g});
    (void)f.embeds.sum().item<float>();  // waits for an accelerator; free on CPU
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  once();
  std::vector<double> s;
  for (int r = 0; r < repeat; ++r) s.push_back(once());
  return s;
}

}  // namespace vlserve::model::vision
