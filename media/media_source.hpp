// Entry point for request media: turns an image_url / video_url into raw bytes under a media_policy.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "media/media_policy.hpp"

namespace vlserve::media {

// A media URL that was refused or could not be loaded; the message says what to change.
class media_error : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// data:, http(s) and file:// URLs; throws media_error with a message that says what is wrong and what to do.
std::vector<uint8_t> load_media(const std::string& url, const media_policy& policy);

}  // namespace vlserve::media
