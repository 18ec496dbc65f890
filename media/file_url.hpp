// file:// URLs, read only below MEDIA_ROOT.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "media/media_policy.hpp"

namespace vlserve::media {

// Reads file:///abs/path (or file://localhost/abs/path). Both the root and the target are resolved
// with realpath first, so ".." and symlinks are judged by where they really lead. Throws media_error
// when root is empty, the target is outside it, missing, not a regular file or over max_bytes.
std::vector<uint8_t> read_file_url(const std::string& url, const media_policy& policy);

}  // namespace vlserve::media
