// http(s) media URLs: a bounded GET that follows at most policy.max_redirects redirects itself, so
// every hop passes the same URL and address checks as the first.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "media/media_policy.hpp"

namespace vlserve::media {

// Throws media_error when remote fetches are off (MEDIA_ALLOW_REMOTE=0), a hop is refused, the
// server answers with an error status or an empty/oversized body, or the time limit (one deadline
// for all hops) runs out.
std::vector<uint8_t> fetch_remote(const std::string& url, const media_policy& policy);

}  // namespace vlserve::media
