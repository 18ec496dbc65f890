// Shared helpers of the vision golden tests: fixture paths and tensor comparisons.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/json.hpp"
#include "model/vision/vision_config.hpp"
#include "tests/vision/safetensors_file.hpp"

namespace vlserve::testing {

std::string tiny_dir();  // tests/fixtures/qwen3vl-tiny
model::vision::processor_config tiny_processor_config();
rapidjson::Document read_json(const std::string& path);

struct u8_diff {
  int64_t mismatches = 0;
  int max_abs = 0;
};
// Compares an HWC image (or a stack of them) with a golden CHW (or TCHW) uint8 tensor.
u8_diff compare_hwc_to_chw(const std::vector<uint8_t>& hwc, const std::vector<uint8_t>& chw,
                           int64_t frames, int64_t height, int64_t width);

// Largest |actual − golden| where golden values are stored as codes c of (c − 127.5) / 127.5.
double max_abs_vs_codes(const std::vector<float>& actual, const std::vector<uint8_t>& codes);

}  // namespace vlserve::testing
