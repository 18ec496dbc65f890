#include "model/vision/multimodal/expand_prompt.hpp"

#include <algorithm>
#include <stdexcept>
#include <string_view>

namespace vlserve::model::vision {
namespace {

// The next image or video pad at or after `from`; npos when none.
size_t next_pad(const std::string& text, size_t from, bool& is_video) {
  const size_t img = text.find(k_image_pad, from), vid = text.find(k_video_pad, from);
  is_video = vid < img;
  return std::min(img, vid);
}

bool ends_with_at(const std::string& text, size_t end, std::string_view s) {
  return end >= s.size() && std::string_view(text).substr(end - s.size(), s.size()) == s;
}

}  // namespace

std::vector<bool> placeholder_kinds(const std::string& text) {
  std::vector<bool> out;
  bool is_video = false;
  for (size_t at = next_pad(text, 0, is_video); at != std::string::npos; at = next_pad(text, at + 1, is_video))
    out.push_back(is_video);
  return out;
}

std::string expand_vision_placeholders(const std::string& text, const std::vector<media_placeholder>& items) {
  const auto kinds = placeholder_kinds(text);
  bool same = kinds.size() == items.size();
  for (size_t i = 0; same && i < items.size(); ++i) same = kinds[i] == items[i].is_video;
  if (!same)
    throw std::invalid_argument("the prompt has " + std::to_string(kinds.size()) + " image/video placeholders for " +
                                std::to_string(items.size()) + " media parts; text must not contain " + k_image_pad +
                                " or " + k_video_pad);
  std::string out;
  size_t copied = 0;
  bool is_video = false;
  size_t at = next_pad(text, 0, is_video);
  for (const auto& item : items) {
    const size_t pad_len = std::string_view(item.is_video ? k_video_pad : k_image_pad).size();
    if (!item.is_video) {
      out.append(text, copied, at - copied);
      for (int64_t i = 0; i < item.image_pads; ++i) out += k_image_pad;
      copied = at + pad_len;
    } else {
      // The video text carries its own start/end tokens, so a full triple is replaced whole.
      size_t begin = at, end = at + pad_len;
      const size_t end_len = std::string_view(k_vision_end).size();
      if (ends_with_at(text, at, k_vision_start) && text.compare(end, end_len, k_vision_end) == 0) {
        begin -= std::string_view(k_vision_start).size();
        end += end_len;
      }
      out.append(text, copied, begin - copied);
      out += item.video_text;
      copied = end;
    }
    at = next_pad(text, copied, is_video);
  }
  out.append(text, copied, std::string::npos);
  return out;
}

}  // namespace vlserve::model::vision
