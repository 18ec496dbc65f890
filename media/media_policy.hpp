// Where request media may come from and how much of it is accepted (MEDIA_* settings).
// Plain struct, shared by the media loader and the prompt builder.
#pragma once

#include <cstdint>
#include <string>

namespace vlserve::media {

struct media_policy {
  bool allow_remote = true;          // http(s) URLs are fetched
  bool allow_private = false;        // loopback/private/link-local addresses may be reached
  std::string root;                  // file:// only below this directory; empty = refused
  int64_t max_bytes = 32ll << 20;    // per item
  int timeout_seconds = 20;          // per remote fetch
  int max_redirects = 3;
  int max_items = 16;                // images + videos per request
  int64_t max_vision_tokens = 16384; // merged vision tokens per request
  int max_video_frames = 16;         // MAX_VIDEO_FRAMES
};

}  // namespace vlserve::media
