// The media parts of a chat request, loaded and preprocessed in prompt order (spec §8.2 steps
// 2-3), with the request limits applied. Torch-free; runs before the vision tower.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/chat/chat_request.hpp"
#include "media/media_policy.hpp"
#include "model/vision/multimodal/expand_prompt.hpp"
#include "model/vision/multimodal/visual_tokens.hpp"
#include "model/vision/vision_config.hpp"

namespace vlserve::model::vision {

// A media part the server will not use; `param` names it, e.g. messages[1].content[0].image_url.
struct request_media_error : std::runtime_error {
  request_media_error(const std::string& message, std::string param_name)
      : std::runtime_error(message), param(std::move(param_name)) {}
  std::string param;
};

struct request_media {
  media_batch batch;
  std::vector<media_placeholder> placeholders;  // one per part, in message/part order
  int64_t vision_tokens = 0;                     // merged tokens of all parts
};

// True when any message has an image or video part.
bool has_media(const chat_request& request);

// Loads every image/video part (media/ load_media) and preprocesses it. Throws
// request_media_error naming the part: too many parts (policy.max_items), unloadable or undecodable
// media, or more than policy.max_vision_tokens merged tokens in all.
request_media load_request_media(const chat_request& request, const processor_config& cfg,
                                 const media::media_policy& policy);

}  // namespace vlserve::model::vision
