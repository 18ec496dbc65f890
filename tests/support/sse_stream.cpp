#include "tests/support/sse_stream.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <utility>

namespace vlserve::testing {
namespace {

// A test stream never legitimately buffers more than this; beyond it the parser is confused.
constexpr size_t kMaxBuffered = 64u << 20;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  return int(std::max<int64_t>(
      0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count()));
}

}  // namespace

sse_stream::sse_stream(uint16_t port, const std::string& method, const std::string& path, const std::string& body,
                       const std::map<std::string, std::string>& headers, int timeout_ms) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close();
    throw std::runtime_error("connect to port " + std::to_string(port) + " failed");
  }
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  for (size_t sent = 0; sent < req.size();) {
    const auto n = ::send(fd_, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("send failed");
    sent += size_t(n);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  size_t head_end;
  while ((head_end = raw_.find("\r\n\r\n")) == std::string::npos) {
    if (remaining_ms(deadline) == 0) throw std::runtime_error("timed out waiting for response headers");
    if (!fill(remaining_ms(deadline))) throw std::runtime_error("connection closed before response headers");
  }
  if (raw_.compare(0, 5, "HTTP/") != 0 || head_end < 12) throw std::runtime_error("malformed status line");
  status_ = std::stoi(raw_.substr(9, 3));
  for (size_t pos = raw_.find("\r\n") + 2; pos < head_end;) {
    const auto eol = raw_.find("\r\n", pos);
    const auto colon = raw_.find(':', pos);
    if (colon != std::string::npos && colon < eol) {
      std::string value = raw_.substr(colon + 1, eol - colon - 1);
      value.erase(0, value.find_first_not_of(' '));
      headers_[lower(raw_.substr(pos, colon - pos))] = value;
    }
    pos = eol + 2;
  }
  chunked_ = lower(headers_["transfer-encoding"]) == "chunked";
  raw_.erase(0, head_end + 4);
}

sse_stream::~sse_stream() { close(); }

void sse_stream::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool sse_stream::fill(int timeout_ms) {
  if (fd_ < 0) return false;
  pollfd p{fd_, POLLIN, 0};
  const int r = ::poll(&p, 1, timeout_ms);
  if (r == 0) return true;  // nothing yet; the caller checks its deadline
  if (r < 0) return false;
  char buf[65536];
  const auto n = ::recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) return false;
  raw_.append(buf, size_t(n));
  if (raw_.size() + text_.size() > kMaxBuffered) throw std::runtime_error("sse_stream: more than 64 MiB buffered");
  return true;
}

bool sse_stream::decode_chunks() {
  if (!chunked_) {
    text_ += raw_;
    raw_.clear();
    return false;
  }
  while (true) {
    const auto eol = raw_.find("\r\n");
    if (eol == std::string::npos) return false;
    const size_t len = std::stoul(raw_.substr(0, eol), nullptr, 16);
    if (len == 0) return true;
    if (raw_.size() < eol + 2 + len + 2) return false;
    text_ += raw_.substr(eol + 2, len);
    raw_.erase(0, eol + 2 + len + 2);
  }
}

std::optional<sse_event> sse_stream::next(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    if (decode_chunks()) ended_ = true;
    const auto end = text_.find("\n\n");
    if (end != std::string::npos) {
      sse_event ev;
      const std::string block = text_.substr(0, end);
      text_.erase(0, end + 2);
      for (size_t pos = 0; pos < block.size();) {
        auto eol = block.find('\n', pos);
        if (eol == std::string::npos) eol = block.size();
        const std::string line = block.substr(pos, eol - pos);
        if (line.rfind("id: ", 0) == 0) ev.id = line.substr(4);
        else if (line.rfind("data: ", 0) == 0) ev.data += line.substr(6);
        else if (line.rfind("retry: ", 0) == 0) ev.retry = line.substr(7);
        else if (line.rfind(":", 0) == 0) comments_.push_back(line);
        pos = eol + 1;
      }
      if (ev.id.empty() && ev.data.empty()) continue;  // a comment/keep-alive block
      return ev;
    }
    if (ended_) return std::nullopt;
    if (remaining_ms(deadline) == 0) throw std::runtime_error("timed out waiting for the next SSE event");
    if (!fill(remaining_ms(deadline))) {
      decode_chunks();
      ended_ = true;
    }
  }
}

std::vector<sse_event> sse_stream::rest(int timeout_ms, size_t max_events) {
  std::vector<sse_event> out;
  while (out.size() < max_events) {
    auto ev = next(timeout_ms);
    if (!ev) break;
    out.push_back(std::move(*ev));
  }
  return out;
}

std::string sse_stream::body(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  const auto want = headers_.count("content-length") ? std::stoul(headers_.at("content-length")) : size_t(-1);
  while (!ended_) {
    if (decode_chunks()) break;
    if (!chunked_ && text_.size() >= want) break;
    if (remaining_ms(deadline) == 0) throw std::runtime_error("timed out waiting for the response body");
    if (!fill(remaining_ms(deadline))) break;
  }
  decode_chunks();
  ended_ = true;
  return std::exchange(text_, {});
}

uint64_t event_index(const sse_event& e) {
  const auto colon = e.id.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("SSE id without ':': '" + e.id + "'");
  return std::stoull(e.id.substr(colon + 1));
}

std::string event_session(const sse_event& e) { return e.id.substr(0, e.id.rfind(':')); }

}  // namespace vlserve::testing
