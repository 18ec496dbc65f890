// The image decoder (model/vision/image_decode.cpp over FFmpeg): any bytes give an RGB picture
// within the pixel limit, or a media_error; never another exception or a crash.
extern "C" {
#include <libavutil/log.h>
}

#include <cstddef>
#include <cstdint>
#include <span>

#include "model/vision/image_decode.hpp"
#include "model/vision/media_error.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  av_log_set_level(AV_LOG_QUIET);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vlserve::model::vision;
  media_limits limits;
  limits.max_item_bytes = 1 << 20;
  limits.max_image_pixels = 1 << 20;  // small, so the fuzzer reaches the limit often
  try {
    const rgb_image img = decode_image(std::span<const uint8_t>(data, size), limits);
    FUZZ_CHECK(img.width > 0 && img.height > 0);
    FUZZ_CHECK(int64_t(img.width) * img.height <= limits.max_image_pixels);
    FUZZ_CHECK(img.pixels.size() == size_t(img.width) * size_t(img.height) * 3);
  } catch (const media_error&) {
  }
  return 0;
}
