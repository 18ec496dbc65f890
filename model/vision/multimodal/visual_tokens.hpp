// Runs the vision tower over a prompt's media and lines its output up with the prompt's pad
// tokens: the engine's visual_injection (spec §3.6, §5.8). Torch-free header.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "model/vision/multimodal/rope_index.hpp"
#include "model/vision/patchify.hpp"
#include "model/vision/tower/vision_tower.hpp"

namespace vlserve::model {
struct visual_injection;  // model/text/visual_injection.hpp
}

namespace vlserve::model::vision {

// The processor's output for one prompt: images and videos each concatenated in prompt order.
class feature_cache;  // model/vision/tower/feature_cache.hpp

struct media_batch {
  std::vector<float> pixel_values;  // rows of the image patches
  std::vector<grid_thw> image_grids;
  std::vector<float> pixel_values_videos;
  std::vector<grid_thw> video_grids;
  bool empty() const { return image_grids.empty() && video_grids.empty(); }
};

// Encodes images and videos (one tower call each) and returns an injection whose rows are the
// prompt indices of every image/video pad in order; row k takes the next image feature if it is
// an image pad, else the next video feature (so mixed prompts interleave like the reference).
// Throws std::invalid_argument when the pad counts differ from the tower's output rows.
// With `cache`, each tower call (the images, the videos) is looked up there first by a hash of its
// pixels and grids, and stored there after a miss.
std::shared_ptr<const visual_injection> encode_visual_tokens(const vision_tower& tower,
                                                            std::span<const int32_t> prompt_ids,
                                                            const media_batch& media,
                                                            const vision_token_ids& tokens = {},
                                                            feature_cache* cache = nullptr);

}  // namespace vlserve::model::vision
