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

// Sends `raw_request` byte for byte (request line, headers and body exactly as given, malformed
// or not) and reads one response. Throws like http_request: "timed out waiting for response", or
// "malformed response" when the connection closes before a status line and headers arrive.
http_response http_exchange(uint16_t port, const std::string& raw_request, int timeout_ms = 10000);

// A free TCP port on 127.0.0.1 at the time of the call.
uint16_t free_port();

}  // namespace vlserve::testing
