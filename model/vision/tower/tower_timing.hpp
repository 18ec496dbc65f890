// Times the vision tower on synthetic patch rows of one grid, and counts the floating-point work
// that takes, for `vlserve bench --vision`. Torch-free header.
#pragma once

#include <cstdint>
#include <vector>

#include "model/checkpoint/model_config.hpp"
#include "model/vision/patchify.hpp"
#include "model/vision/tower/vision_tower.hpp"

namespace vlserve::model::vision {

// Multiply-adds counted twice, everything the tower computes as products: the patch embedding,
// every block's q/k/v, output, and MLP projections, attention scores and weighted values within
// each frame (frames attend separately), and the final and deepstack mergers. Norms, GELU, RoPE and
// softmax are left out (a few percent at these sizes).
double tower_flops(const vision_config& c, const grid_thw& g);

// Wall seconds of each of `repeat` encodes (1..100) of one item of grid `g`, after one warm-up
// (the caller reports their median).
std::vector<double> time_tower(const vision_tower& tower, const grid_thw& g, int repeat);

}  // namespace vlserve::model::vision
