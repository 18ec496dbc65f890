// data: URLs ("data:image/png;base64,...") carried inline in image_url / video_url parts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vlserve::media {

// Decodes a base64 data: URL whose media type is image/* or video/*; parameters such as
// ";charset=..." before ";base64" are allowed. Throws media_error otherwise.
std::vector<uint8_t> decode_data_url(const std::string& url, int64_t max_bytes);

}  // namespace vlserve::media
