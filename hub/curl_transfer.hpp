// The two HTTP calls the downloader needs, over libcurl: a HEAD that does not follow redirects (the
// hub's 302 carries the file's metadata) and a GET into a file descriptor that resumes at an offset.
// Neither throws on HTTP or network failures: the reply says what happened and the caller decides.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace vlserve::hub {

struct http_request {
  std::string url;
  std::vector<std::string> headers;  // "Name: value"; may hold the Authorization header
  int connect_timeout_s = 15;
  int stall_timeout_s = 60;          // abort when below 1 byte/s for this long
};

struct http_reply {
  long status = 0;                             // 0 when no HTTP answer came
  std::map<std::string, std::string> headers;  // lower-case names, of the last response only
  std::string error_body;                      // the first 4 KiB of a body with status >= 400
  int curl_code = 0;                           // CURLcode; 0 = the transfer completed
  std::string curl_error;                      // libcurl's text for curl_code (never has headers)
  bool disk_full = false;                      // a write failed with ENOSPC / EDQUOT
  int write_errno = 0;                         // any other failed write
  bool cancelled = false;

  std::string header(const std::string& lower_name) const;
  // Connection trouble, a cut transfer, 429 or 5xx: worth another attempt.
  bool transient() const;
};

http_reply http_head(const http_request& req);

// GET following redirects. With offset > 0 it asks for "Range: bytes=<offset>-" and appends on 206;
// a 200 (the server ignored the range) rewrites fd from byte 0. on_bytes gets each chunk's size,
// and minus the discarded offset on such a restart. Setting *cancel stops the transfer.
http_reply http_get_to_fd(const http_request& req, int fd, uint64_t offset,
                          const std::function<void(int64_t)>& on_bytes,
                          const std::atomic<bool>* cancel);

}  // namespace vlserve::hub
