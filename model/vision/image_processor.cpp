#include "model/vision/image_processor.hpp"

#include <string>

#include "model/vision/image_decode.hpp"
#include "model/vision/media_error.hpp"
#include "model/vision/resize_bicubic_u8.hpp"
#include "model/vision/smart_resize.hpp"

namespace vlserve::model::vision {

processed_image preprocess_rgb_image(const rgb_image& image, const processor_config& cfg,
                                     const media_limits& limits) {
  const resized_size size = smart_resize_image(image.height, image.width, cfg.factor(), cfg.image);
  const int64_t patches = (size.height / cfg.patch_size) * (size.width / cfg.patch_size);
  const int64_t tokens = patches / (int64_t(cfg.merge_size) * cfg.merge_size);
  // Checked before resizing: the size alone decides the cost.
  if (tokens > limits.max_item_tokens)
    throw media_error("image needs " + std::to_string(tokens) + " vision tokens, above the limit of " +
                      std::to_string(limits.max_item_tokens) + "; send a smaller image");
  processed_image out;
  out.resized = resize_bicubic_u8(image, static_cast<int>(size.height), static_cast<int>(size.width));
  out.patches = patchify({&out.resized}, cfg, cfg.image_mean, cfg.image_std);
  out.pad_tokens = out.patches.grid.patches() / (int64_t(cfg.merge_size) * cfg.merge_size);
  return out;
}

processed_image preprocess_image(std::span<const uint8_t> bytes, const processor_config& cfg,
                                 const media_limits& limits) {
  return preprocess_rgb_image(decode_image(bytes, limits), cfg, limits);
}

}  // namespace vlserve::model::vision
