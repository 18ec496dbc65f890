// Processor settings (from preprocessor_config.json / video_preprocessor_config.json) and the
// server's bounds on client media. Plain structs: the HTTP layer fills media_limits from settings.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace vlserve::model::vision {

// Pixel budget of smart_resize: `size.shortest_edge` / `size.longest_edge` in the HF configs are
// pixel counts, not edge lengths (images: h·w; videos: t·h·w of the whole clip).
struct pixel_budget {
  int64_t min_pixels = 0;
  int64_t max_pixels = 0;
};

struct processor_config {
  int patch_size = 16;
  int temporal_patch_size = 2;
  int merge_size = 2;
  std::array<double, 3> image_mean{0.5, 0.5, 0.5};
  std::array<double, 3> image_std{0.5, 0.5, 0.5};
  std::array<double, 3> video_mean{0.5, 0.5, 0.5};
  std::array<double, 3> video_std{0.5, 0.5, 0.5};
  pixel_budget image{65536, 16777216};
  pixel_budget video{4096, 25165824};
  // Qwen3VLVideoProcessor class defaults (the released config does not override them).
  double video_fps = 2.0;
  int video_min_frames = 4;
  int video_max_frames = 768;

  int factor() const { return patch_size * merge_size; }  // 32: sides are multiples of this
  int patch_dim() const { return 3 * temporal_patch_size * patch_size * patch_size; }  // 1536
};

// Bounds on what a client may send; every one is checked before the work it guards.
struct media_limits {
  size_t max_item_bytes = size_t{64} << 20;       // encoded bytes of one image or video
  int64_t max_image_pixels = 50'000'000;          // decoded width·height of an image or video frame
  int64_t max_source_frames = 108'000;            // frames in a video file (1 h at 30 fps)
  int max_video_frames = 768;                     // MAX_VIDEO_FRAMES: cap on sampled frames
  int64_t max_item_tokens = 16384;                // vision tokens (after merge) of one item
};

// Reads <model_dir>/preprocessor_config.json and, when present, video_preprocessor_config.json.
// Keys absent from a file keep the defaults above. Throws std::runtime_error naming the file on
// unreadable JSON or a value of the wrong type.
processor_config load_processor_config(const std::string& model_dir);

}  // namespace vlserve::model::vision
