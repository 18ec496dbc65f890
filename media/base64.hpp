// Standard base64 (RFC 4648 alphabet) decoding for data: URLs.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace vlserve::media {

// Decodes text; ASCII whitespace is skipped (some clients wrap lines), '=' padding is optional but
// may only end the text. Throws media_error naming the offending character and its offset, or when
// the decoded size would exceed max_bytes (checked before decoding).
std::vector<uint8_t> decode_base64(std::string_view text, int64_t max_bytes);

}  // namespace vlserve::media
