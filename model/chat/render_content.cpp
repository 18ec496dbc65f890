#include "model/chat/render_content.hpp"

namespace vlserve::model {

std::string render_content(const message_content& content, vision_counters& counters, bool count,
                           bool add_vision_id) {
  if (const auto* text = std::get_if<std::string>(&content)) return *text;
  std::string out;
  for (const content_part& part : std::get<std::vector<content_part>>(content)) {
    switch (part.kind) {
      case part_kind::image:
        if (count) ++counters.images;
        if (add_vision_id) out += "Picture " + std::to_string(counters.images) + ": ";
        out += "<|vision_start|><|image_pad|><|vision_end|>";
        break;
      case part_kind::video:
        if (count) ++counters.videos;
        if (add_vision_id) out += "Video " + std::to_string(counters.videos) + ": ";
        out += "<|vision_start|><|video_pad|><|vision_end|>";
        break;
      case part_kind::text: out += part.text; break;
    }
  }
  return out;
}

}  // namespace vlserve::model
