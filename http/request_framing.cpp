#include "http/request_framing.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace vlserve::http {

namespace {

// The methods Pistache 0.0.5 knows (HTTP_METHODS in pistache/http_defs.h); it answers any other
// with a plain-text 400, so the screen refuses them first.
constexpr std::array<std::string_view, 9> kMethods = {"GET",  "POST",    "PUT",   "PATCH",  "DELETE",
                                                      "HEAD", "OPTIONS", "TRACE", "CONNECT"};

bool is_control(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }

// RFC 9110 §5.6.2 tchar: what a header name may hold.
bool is_token_char(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(char(c)) != std::string_view::npos;
}

bool same_name(std::string_view a, std::string_view lower_b) {
  if (a.size() != lower_b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != lower_b[i]) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// What a refused byte sequence looked like, for the message: printable and short.
std::string shown(std::string_view s) {
  std::string out;
  for (unsigned char c : s.substr(0, 40)) {
    if (c >= 0x20 && c < 0x7f) {
      out += char(c);
    } else {
      out += "\\x";
      out += "0123456789abcdef"[c >> 4];
      out += "0123456789abcdef"[c & 15];
    }
  }
  return s.size() > 40 ? out + "..." : out;
}

api_error malformed(std::string message) { return bad_request(std::move(message), "", "malformed_request"); }

}  // namespace

request_framing::request_framing(framing_limits limits, header_value_check check)
    : limits_(limits), check_(std::move(check)) {}

std::optional<api_error> request_framing::feed(std::string_view bytes,
                                               const std::function<void(std::string_view)>& forward) {
  size_t pos = 0;
  auto refuse = [&](api_error e) {
    refused_ = true;
    dropped_ += bytes.size() - pos;
    return std::optional<api_error>(std::move(e));
  };
  if (refused_) {
    dropped_ += bytes.size();
    return std::nullopt;
  }
  while (pos < bytes.size()) {
    if (body_left_ > 0) {
      const size_t n = size_t(std::min<uint64_t>(body_left_, bytes.size() - pos));
      forward(bytes.substr(pos, n));
      pos += n;
      body_left_ -= n;
      if (body_left_ == 0) start_next_request();
      continue;
    }
    // Head bytes are kept until the blank line, so Pistache never sees a head the screen refuses;
    // at most one byte past the limit is kept, however much arrives.
    const size_t room = limits_.max_head_bytes + 1 - std::min(head_.size(), limits_.max_head_bytes);
    const size_t newline = bytes.find('\n', pos);
    const size_t end = newline == std::string_view::npos ? bytes.size() : newline + 1;
    const size_t take = std::min(end - pos, room);
    head_.append(bytes.substr(pos, take));
    pos += take;
    if (head_.size() > limits_.max_head_bytes)
      return refuse(headers_too_large("the request line and headers are over " +
                                      std::to_string(limits_.max_head_bytes) + " bytes"));
    if (head_.back() != '\n') continue;
    // A whole line: "…\r\n". A bare "\n" (or a "\r" inside the line) is refused, never guessed at.
    std::string_view line(head_.data() + line_start_, head_.size() - line_start_ - 1);
    if (line.empty() || line.back() != '\r')
      return refuse(malformed("a line of the request head ends with a bare LF; HTTP lines end with CRLF"));
    line.remove_suffix(1);
    if (line.find('\r') != std::string_view::npos)
      return refuse(malformed("a line of the request head holds a bare CR: " + shown(line)));
    line_start_ = head_.size();
    if (!line.empty()) {
      if (auto e = take_line(line)) return refuse(std::move(*e));
      continue;
    }
    if (!request_line_seen_) return refuse(malformed("the request starts with an empty line; send the request line first"));
    if (auto e = finish_head()) return refuse(std::move(*e));
    forward(head_);
    body_left_ = *content_length_;
    if (body_left_ == 0) start_next_request();
  }
  return std::nullopt;
}

std::optional<api_error> request_framing::take_line(std::string_view line) {
  if (!request_line_seen_) {
    request_line_seen_ = true;
    return take_request_line(line);
  }
  return take_header(line);
}

// METHOD SP request-target SP HTTP/1.x, nothing else (RFC 9112 §3).
std::optional<api_error> request_framing::take_request_line(std::string_view line) {
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return malformed("malformed request line '" + shown(line) + "'; expected METHOD /path HTTP/1.1");
  const auto method = line.substr(0, sp1);
  const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const auto version = line.substr(sp2 + 1);
  if (std::find(kMethods.begin(), kMethods.end(), method) == kMethods.end())
    return malformed("unknown method '" + shown(method) + "'; methods are upper case, e.g. GET or POST");
  if (target.empty() || std::any_of(target.begin(), target.end(), [](unsigned char c) { return is_control(c) || c == '\t'; }))
    return malformed("malformed request target '" + shown(target) + "'");
  if (version != "HTTP/1.1" && version != "HTTP/1.0")
    return malformed("unsupported HTTP version '" + shown(version) + "'; use HTTP/1.1");
  return std::nullopt;
}

// name ":" OWS value OWS (RFC 9112 §5), with at most one Content-Length, digits only.
std::optional<api_error> request_framing::take_header(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t')
    return malformed("a header line starts with whitespace (obsolete line folding is not accepted)");
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return malformed("header line without a colon: '" + shown(line) + "'");
  const auto name = line.substr(0, colon);
  if (name.empty() || !std::all_of(name.begin(), name.end(), [](unsigned char c) { return is_token_char(c); }))
    return malformed("malformed header name '" + shown(name) + "' (no spaces before the colon)");
  const auto raw_value = line.substr(colon + 1);
  if (std::any_of(raw_value.begin(), raw_value.end(), [](unsigned char c) { return is_control(c); }))
    return malformed("header " + std::string(name) + " holds a control character");
  const auto value = trim(raw_value);
  if (same_name(name, "content-length")) {
    if (content_length_) return malformed("more than one Content-Length header; send exactly one");
    if (value.empty() || value.size() > 19 ||
        !std::all_of(value.begin(), value.end(), [](unsigned char c) { return c >= '0' && c <= '9'; }))
      return malformed("Content-Length '" + shown(value) + "' is not a number of bytes (0 to 19 digits)");
    uint64_t n = 0;
    for (char c : value) n = n * 10 + uint64_t(c - '0');
    content_length_ = n;
    return std::nullopt;
  }
  if (same_name(name, "transfer-encoding")) {
    has_transfer_encoding_ = true;
    transfer_encoding_ = std::string(value);
    return std::nullopt;
  }
  if (check_) {
    std::string_view as_read = raw_value;
    while (!as_read.empty() && as_read.front() == ' ') as_read.remove_prefix(1);
    if (auto problem = check_(name, as_read))
      return malformed("malformed " + std::string(name) + " header: " + *problem);
  }
  return std::nullopt;
}

std::optional<api_error> request_framing::finish_head() {
  if (has_transfer_encoding_) {
    if (content_length_)
      return malformed("both Transfer-Encoding and Content-Length are set; send only Content-Length");
    return length_required("Transfer-Encoding '" + shown(transfer_encoding_) +
                           "' is not supported in requests; send the body with a Content-Length header");
  }
  if (!content_length_) content_length_ = 0;
  if (*content_length_ > limits_.max_body_bytes) return body_too_large(*content_length_, limits_.max_body_bytes);
  return std::nullopt;
}

void request_framing::start_next_request() {
  head_.clear();
  line_start_ = 0;
  request_line_seen_ = false;
  content_length_.reset();
  transfer_encoding_.clear();
  has_transfer_encoding_ = false;
}

}  // namespace vlserve::http
