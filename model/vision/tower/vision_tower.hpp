// The Qwen3-VL vision tower (`model.visual`, spec §5): patch rows in, one embedding per merged
// 2×2 window out, plus the deepstack features. Torch-free header (pimpl); `encode` returns a
// model-internal type from vision_features.hpp. Thread-safe: encode is const and keeps no state.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "model/checkpoint/model_config.hpp"
#include "model/vision/patchify.hpp"

namespace vlserve::model::vision {

struct vision_features;  // model/vision/tower/vision_features.hpp

struct tower_options {
  std::string device = "cpu";     // cpu | cuda | cuda:N (use the text engine's)
  std::string dtype = "float32";  // float32 | bfloat16 | float16 | auto (= bfloat16)
  // The dtype encode() returns its features in (the text engine's); empty = `dtype`.
  std::string output_dtype;
};

class vision_tower {
 public:
  // Reads <model_dir>/config.json and the model.visual.* tensors. Throws checkpoint_error on a
  // missing, mis-shaped or unexpected tensor, or a config without vision_config.
  vision_tower(const std::string& model_dir, const tower_options& options);
  ~vision_tower();
  vision_tower(const vision_tower&) = delete;
  vision_tower& operator=(const vision_tower&) = delete;

  const vision_config& config() const;
  std::string device() const;
  std::string dtype() const;

  // pixel_values: Σ t·h·w rows of 3·2·16·16 floats (model/vision preprocessing), items in order.
  // Throws std::invalid_argument when sizes and grids disagree.
  vision_features encode(std::span<const float> pixel_values, const std::vector<grid_thw>& grids) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace vlserve::model::vision
