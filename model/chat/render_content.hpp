// The template's `render_content` macro: a message body as prompt text, with image and video
// placeholders and the optional "Picture N: " / "Video N: " labels.
#pragma once

#include <string>

#include "model/chat/chat_message.hpp"

namespace vlserve::model {

// Running image/video numbers for add_vision_id labels. The template counts every message in its
// main loop (the first system message included, though that pass is not printed) and never in
// the system header or the last-query scan, which print the current counts without advancing.
struct vision_counters {
  int images = 0;
  int videos = 0;
};

std::string render_content(const message_content& content, vision_counters& counters, bool count,
                           bool add_vision_id);

}  // namespace vlserve::model
