// Video preprocessing for Qwen3-VL (spec §7): decode, sample frames at 2 fps, resize to one
// budgeted size, normalise and patchify in frame pairs, plus the per-pair timestamp text.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "model/vision/patchify.hpp"
#include "model/vision/vision_config.hpp"

namespace vlserve::model::vision {

struct processed_video {
  patch_rows patches;                  // pixel_values_videos rows and video_grid_thw (t, h, w)
  double source_fps = 0.0;
  int64_t total_frames = 0;
  std::vector<int64_t> frame_indices;  // sampled source frames (before odd-count padding)
  std::vector<double> timestamps;      // seconds, one per temporal patch (grid.t entries)
  int64_t pads_per_group = 0;          // <|video_pad|> per temporal patch: h·w / merge²
  int64_t pad_tokens = 0;              // all groups: t·h·w / merge²
};

// Throws media_error (bad data, no decodable frames, fewer than 2 frames, limits).
processed_video preprocess_video(std::span<const uint8_t> bytes, const processor_config& cfg,
                                 const media_limits& limits);

// What replaces "<|vision_start|><|video_pad|><|vision_end|>" in the prompt (spec §7.4):
// per group "<t seconds><|vision_start|>" + pads + "<|vision_end|>", no separators.
std::string video_prompt_text(const processed_video& video);

}  // namespace vlserve::model::vision
