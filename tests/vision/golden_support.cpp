#include "tests/vision/golden_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "model/vision/vision_config.hpp"
#include "tests/support/child_process.hpp"

namespace vlserve::testing {

std::string tiny_dir() { return fixtures_dir() + "/qwen3vl-tiny"; }

model::vision::processor_config tiny_processor_config() {
  return model::vision::load_processor_config(tiny_dir() + "/model");
}

rapidjson::Document read_json(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file_bytes(path);
  rapidjson::Document doc;
  doc.Parse(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (doc.HasParseError()) throw std::runtime_error(path + ": bad JSON");
  return doc;
}

u8_diff compare_hwc_to_chw(const std::vector<uint8_t>& hwc, const std::vector<uint8_t>& chw,
                           int64_t frames, int64_t height, int64_t width) {
  const int64_t plane = height * width;
  if (static_cast<int64_t>(hwc.size()) != frames * plane * 3 || hwc.size() != chw.size())
    throw std::runtime_error("compare_hwc_to_chw: size mismatch");
  u8_diff d;
  for (int64_t f = 0; f < frames; ++f)
    for (int64_t c = 0; c < 3; ++c)
      for (int64_t p = 0; p < plane; ++p) {
        const int a = hwc[static_cast<size_t>((f * plane + p) * 3 + c)];
        const int b = chw[static_cast<size_t>((f * 3 + c) * plane + p)];
        if (a != b) {
          ++d.mismatches;
          d.max_abs = std::max(d.max_abs, std::abs(a - b));
        }
      }
  return d;
}

double max_abs_vs_codes(const std::vector<float>& actual, const std::vector<uint8_t>& codes) {
  if (actual.size() != codes.size()) throw std::runtime_error("max_abs_vs_codes: size mismatch");
  double worst = 0.0;
  for (size_t i = 0; i < actual.size(); ++i) {
    const float golden = (static_cast<float>(codes[i]) - 127.5f) / 127.5f;
    worst = std::max(worst, std::abs(static_cast<double>(actual[i]) - golden));
  }
  return worst;
}

}  // namespace vlserve::testing
