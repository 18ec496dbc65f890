// Screens the bytes of one connection's HTTP/1.1 requests before Pistache's parser sees them.
// Pistache 0.0.5 answers broken framing itself in plain text, takes the first of two different
// Content-Lengths, reads "-5" as 2^64-5 and holds a garbage request line until its header timeout;
// this screen refuses all of those with an OpenAI-shaped error instead, and refuses a body above
// MAX_REQUEST_BYTES from its Content-Length alone, before a byte of it is read. It is a screen,
// not a second parser: it checks the request line and each header line, knows each request's
// length, and passes every byte it accepts on unchanged.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "http/api_error.hpp"

namespace vlserve::http {

struct framing_limits {
  size_t max_head_bytes = 64u << 10;      // request line, headers and the blank line
  uint64_t max_body_bytes = 64ull << 20;  // MAX_REQUEST_BYTES
};

// Whether the parser behind the screen can read a header's value: a message saying what is wrong,
// or nothing. It gets the name as sent and the value as Pistache reads it (leading spaces skipped).
using header_value_check = std::function<std::optional<std::string>(std::string_view name, std::string_view value)>;

class request_framing {
 public:
  explicit request_framing(framing_limits limits, header_value_check check = {});

  // Screens `bytes`, the next ones read from the connection. Accepted bytes go to `forward` in
  // order, in pieces that never hold parts of two requests; a request's head goes on whole, once
  // its blank line has arrived and every line of it passed. Returns the error to answer when the
  // connection must be refused; from then on every byte is dropped (and counted in dropped()).
  std::optional<api_error> feed(std::string_view bytes, const std::function<void(std::string_view)>& forward);

  bool refused() const { return refused_; }
  // Bytes that arrived after the refusal, in the call that refused and every one since.
  uint64_t dropped() const { return dropped_; }

 private:
  std::optional<api_error> take_line(std::string_view line);
  std::optional<api_error> take_request_line(std::string_view line);
  std::optional<api_error> take_header(std::string_view line);
  std::optional<api_error> finish_head();
  void start_next_request();

  framing_limits limits_;
  header_value_check check_;
  std::string head_;         // the current request's head so far
  size_t line_start_ = 0;    // where in head_ the line being read starts
  bool request_line_seen_ = false;
  std::optional<uint64_t> content_length_;
  std::string transfer_encoding_;  // empty when the request has none
  bool has_transfer_encoding_ = false;
  uint64_t body_left_ = 0;   // bytes of the current body still to come; the head is done while > 0
  bool refused_ = false;
  uint64_t dropped_ = 0;
};

}  // namespace vlserve::http
