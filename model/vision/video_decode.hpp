// Decoding an uploaded video file (MP4/MOV, WebM/MKV, AVI, MPEG-TS) and keeping only the
// sampled frames, as RGB (the reference: torchvision.io.read_video, PyAV, rgb24).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "model/vision/rgb_image.hpp"
#include "model/vision/vision_config.hpp"

namespace vlserve::model::vision {

struct decoded_video {
  double source_fps = 0.0;       // the stream's average frame rate (24 when unknown, as HF)
  int64_t total_frames = 0;      // decodable frames in the file
  std::vector<int64_t> indices;  // sampled frame numbers, ascending
  std::vector<rgb_image> frames; // one per index, after `transform`
};

// Picks frame numbers from (total_frames, source_fps).
using frame_chooser = std::function<std::vector<int64_t>(int64_t total_frames, double source_fps)>;
// Applied to each kept frame as soon as it is decoded (e.g. the resize), so only the sampled,
// resized frames are ever held; gets the number of sampled frames.
using frame_transform = std::function<rgb_image(rgb_image&& frame, size_t sample_count)>;

// Throws media_error for empty, oversized, corrupt or unsupported data, a file without a video
// stream or without decodable frames, more than limits.max_source_frames frames, or frames
// larger than limits.max_image_pixels.
decoded_video decode_video(std::span<const uint8_t> bytes, const media_limits& limits,
                           const frame_chooser& choose, const frame_transform& transform);

}  // namespace vlserve::model::vision
