// The shapes of a Qwen3-VL checkpoint (text decoder + vision tower) as presets, with the tensor list
// and config.json they imply. Used to write random-weight checkpoints for benchmarks and tests:
// speed depends on shapes, not values, so a random 2B-shaped model measures what the real one would.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/checkpoint/model_config.hpp"

namespace vlserve::bench {

// How a tensor is initialised, following Hugging Face's _init_weights for Qwen3-VL.
enum class tensor_init {
  normal,  // N(0, initializer_range): linear, conv and embedding weights
  ones,    // RMSNorm / LayerNorm scales
  zeros,   // biases
};

struct tensor_spec {
  std::string name;
  std::vector<int64_t> shape;
  tensor_init init = tensor_init::normal;
};

// "2b" = Qwen3-VL-2B (text 2048 x 28 layers, vision 1024 x 24 blocks); "tiny" = the test fixture's
// shape (tests/fixtures/qwen3vl-tiny). Throws std::invalid_argument naming the accepted presets.
model::model_config shape_preset(const std::string& name);

// Every tensor the text and vision loaders expect for `cfg`, sorted by name (no lm_head: tied).
std::vector<tensor_spec> checkpoint_tensors(const model::model_config& cfg);

// config.json text for `cfg` in the Hugging Face layout, declaring `dtype` ("bfloat16", ...).
std::string config_json(const model::model_config& cfg, const std::string& dtype);

}  // namespace vlserve::bench
