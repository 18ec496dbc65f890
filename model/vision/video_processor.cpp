#include "model/vision/video_processor.hpp"

#include <string>

#include "model/vision/frame_sampling.hpp"
#include "model/vision/media_error.hpp"
#include "model/vision/resize_bicubic_u8.hpp"
#include "model/vision/smart_resize.hpp"
#include "model/vision/video_decode.hpp"

namespace vlserve::model::vision {

processed_video preprocess_video(std::span<const uint8_t> bytes, const processor_config& cfg,
                                 const media_limits& limits) {
  const sampling_rule rule{cfg.video_fps, cfg.video_min_frames, cfg.video_max_frames, limits.max_video_frames};
  auto choose = [&](int64_t total, double fps) { return sample_frame_indices(total, fps, rule); };
  // The target size depends only on the sample count and the source size, so each kept frame is
  // resized as soon as it is decoded.
  resized_size target;
  auto transform = [&](rgb_image&& frame, size_t count) {
    if (target.height == 0) {
      target = smart_resize_video(static_cast<int64_t>(count), frame.height, frame.width,
                                  cfg.temporal_patch_size, cfg.factor(), cfg.video);
      const int64_t groups = (static_cast<int64_t>(count) + cfg.temporal_patch_size - 1) / cfg.temporal_patch_size;
      const int64_t tokens = groups * (target.height / cfg.patch_size) * (target.width / cfg.patch_size) /
                             (int64_t(cfg.merge_size) * cfg.merge_size);
      if (tokens > limits.max_item_tokens)
        throw media_error("video needs " + std::to_string(tokens) + " vision tokens, above the limit of " +
                          std::to_string(limits.max_item_tokens) + "; send a shorter or smaller video");
    }
    return resize_bicubic_u8(frame, static_cast<int>(target.height), static_cast<int>(target.width));
  };
  decoded_video video = decode_video(bytes, limits, choose, transform);
  if (video.frames.size() < static_cast<size_t>(cfg.temporal_patch_size))
    throw media_error("video has " + std::to_string(video.frames.size()) + " usable frame(s); at least " +
                      std::to_string(cfg.temporal_patch_size) + " are needed");

  processed_video out;
  std::vector<const rgb_image*> frames;
  for (const rgb_image& f : video.frames) frames.push_back(&f);
  out.patches = patchify(frames, cfg, cfg.video_mean, cfg.video_std);
  out.source_fps = video.source_fps;
  out.total_frames = video.total_frames;
  out.frame_indices = std::move(video.indices);
  out.timestamps = group_timestamps(out.frame_indices, out.source_fps, cfg.temporal_patch_size);
  const int64_t merge2 = int64_t(cfg.merge_size) * cfg.merge_size;
  out.pads_per_group = out.patches.grid.h * out.patches.grid.w / merge2;
  out.pad_tokens = out.patches.grid.patches() / merge2;
  return out;
}

std::string video_prompt_text(const processed_video& video) {
  std::string pads;
  for (int64_t i = 0; i < video.pads_per_group; ++i) pads += "<|video_pad|>";
  std::string text;
  for (double t : video.timestamps) text += timestamp_text(t) + "<|vision_start|>" + pads + "<|vision_end|>";
  return text;
}

}  // namespace vlserve::model::vision
