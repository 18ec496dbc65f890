// A minimal blocking HTTP/1.1 client over loopback TCP for tests (no keep-alive, reads to close
// or to the end of a Content-Length / chunked body).
#pragma once

#include <map>
#include <string>

namespace vlserve::testing {

struct http_response {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;                            // de-chunked
};

// Throws std::runtime_error when the connection fails or times out.
http_response http_request(uint16_t port, const std::string& method, const std::string& path,
                           const std::string& body = {},
                           const std::map<std::string, std::string>& headers = {}, int timeout_ms = 10000);

// A free TCP port on 127.0.0.1 at the time of the call.
uint16_t free_port();

}  // namespace vlserve::testing
