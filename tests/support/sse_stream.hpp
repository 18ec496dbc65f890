// A raw Server-Sent-Events reader over one loopback TCP connection, for end-to-end tests that must
// drop a stream after k events, reconnect with Last-Event-ID and compare what arrived byte for byte.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vlserve::testing {

struct sse_event {
  std::string id;    // the `id:` field, empty when absent (the closing `data: [DONE]`)
  std::string data;  // the `data:` field (one line per event in vlserve)
  std::string retry;  // the `retry:` field, empty when absent (vlserve sends it in the first block)
};

class sse_stream {
 public:
  // Connects, sends the request and reads the status line and headers (throws on failure/timeout).
  sse_stream(uint16_t port, const std::string& method, const std::string& path, const std::string& body = {},
             const std::map<std::string, std::string>& headers = {}, int timeout_ms = 10000);
  ~sse_stream();
  sse_stream(const sse_stream&) = delete;
  sse_stream& operator=(const sse_stream&) = delete;

  int status() const { return status_; }
  const std::map<std::string, std::string>& headers() const { return headers_; }  // lower-case names

  // The next event, or nullopt once the body has ended (terminal chunk or connection closed).
  // Throws std::runtime_error when nothing arrives within timeout_ms.
  std::optional<sse_event> next(int timeout_ms = 10000);
  // Every remaining event up to the end of the body (bounded by max_events).
  std::vector<sse_event> rest(int timeout_ms = 10000, size_t max_events = 100000);
  // The whole remaining body as text (for error replies).
  std::string body(int timeout_ms = 10000);
  // Drops the connection now, as a client that goes away would.
  void close();
  // The comment lines (": ...") read so far, in order (next() skips comment-only blocks).
  const std::vector<std::string>& comments() const { return comments_; }

 private:
  bool fill(int timeout_ms);  // reads more bytes into raw_; false at EOF
  bool decode_chunks();       // moves complete chunks from raw_ to text_; true at the terminal chunk

  int fd_ = -1;
  int status_ = 0;
  std::map<std::string, std::string> headers_;
  bool chunked_ = false;
  bool ended_ = false;
  std::string raw_;   // bytes not yet de-chunked
  std::string text_;  // de-chunked body not yet split into events
  std::vector<std::string> comments_;
};

// The "index" half of an SSE id "<session>:<index>".
uint64_t event_index(const sse_event& e);
// The session half of an SSE id "<session>:<index>".
std::string event_session(const sse_event& e);

}  // namespace vlserve::testing
