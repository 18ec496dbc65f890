// One HTTP GET of a media URL without following redirects (the caller re-checks each hop).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vlserve::media {

struct hop_limits {
  int64_t max_bytes = 0;
  long timeout_ms = 0;        // whole request, connect included
  bool allow_private = false;
};

struct hop_result {
  long status = 0;                 // 0 when no HTTP answer came
  std::string redirect_url;        // absolute Location of a 3xx answer
  std::vector<uint8_t> body;       // only for status 200
  int curl_code = 0;               // CURLcode; 0 = completed
  std::string curl_error;
  std::string refused_address;     // "10.0.0.1 (private)": a connection the filter stopped
  int64_t declared_length = -1;    // Content-Length of a 200 answer, when sent
  bool over_declared = false;      // Content-Length was over max_bytes: stopped before the body
  bool over_received = false;      // the body grew over max_bytes while receiving
  bool skipped_body = false;       // a non-200 answer: its body was not read
};

// Only http/https; no proxy (the filter must see the real peer); no decompression; every socket
// libcurl opens is checked with restricted_address_kind unless allow_private.
hop_result http_hop(const std::string& url, const hop_limits& limits);

}  // namespace vlserve::media
