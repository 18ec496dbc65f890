// Expands the chat template's vision placeholders into the pad tokens the vision tower fills
// (spec §7.4, §8.2). Torch-free string work on the rendered prompt, before tokenizing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vlserve::model::vision {

inline constexpr char k_image_pad[] = "<|image_pad|>";
inline constexpr char k_video_pad[] = "<|video_pad|>";
inline constexpr char k_vision_start[] = "<|vision_start|>";
inline constexpr char k_vision_end[] = "<|vision_end|>";

// One media item in prompt order: an image needs `image_pads` pads; a video replaces its whole
// <|vision_start|><|video_pad|><|vision_end|> triple (or a bare <|video_pad|>) by `video_text`
// (model/vision/video_processor.hpp video_prompt_text).
struct media_placeholder {
  bool is_video = false;
  int64_t image_pads = 0;
  std::string video_text;
};

// Items replace the placeholders in order. Throws std::invalid_argument when the placeholders'
// count or kinds differ from the items (e.g. text that spells out <|image_pad|> itself).
std::string expand_vision_placeholders(const std::string& text, const std::vector<media_placeholder>& items);

// Kinds of the placeholders in order (true = video), for matching them against request parts.
std::vector<bool> placeholder_kinds(const std::string& text);

}  // namespace vlserve::model::vision
