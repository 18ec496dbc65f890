#include "tests/support/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace vlserve::testing {
namespace {

struct fd_guard {
  int fd;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string dechunk(const std::string& raw) {
  std::string out;
  size_t pos = 0;
  while (pos < raw.size()) {
    const auto eol = raw.find("\r\n", pos);
    if (eol == std::string::npos) break;
    const size_t len = std::stoul(raw.substr(pos, eol - pos), nullptr, 16);
    if (len == 0) break;
    out += raw.substr(eol + 2, len);
    pos = eol + 2 + len + 2;
  }
  return out;
}

// True once `raw` holds a complete response (headers + body by Content-Length or chunked end).
bool complete(const std::string& raw) {
  const auto head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos) return false;
  const std::string head = lower(raw.substr(0, head_end));
  const std::string body = raw.substr(head_end + 4);
  // 204 has no body and no length (RFC 9110 §8.6): it is complete at the blank line.
  if (head.rfind("http/1.1 204", 0) == 0) return true;
  if (head.find("transfer-encoding: chunked") != std::string::npos)
    return body.find("0\r\n\r\n") != std::string::npos &&
           (body.rfind("0\r\n\r\n") == body.size() - 5);
  const auto cl = head.find("content-length:");
  if (cl != std::string::npos) return body.size() >= std::stoul(head.substr(cl + 15));
  return false;
}

}  // namespace

http_response http_exchange(uint16_t port, const std::string& raw_request, int timeout_ms) {
  fd_guard sock{::socket(AF_INET, SOCK_STREAM, 0)};
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(sock.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("connect failed");
  for (size_t sent = 0; sent < raw_request.size();) {
    const auto n = ::send(sock.fd, raw_request.data() + sent, raw_request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("send failed");
    sent += size_t(n);
  }
  std::string raw;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[65536];
  while (!complete(raw)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) throw std::runtime_error("timed out waiting for response");
    pollfd p{sock.fd, POLLIN, 0};
    if (::poll(&p, 1, int(left)) <= 0) continue;
    const auto n = ::recv(sock.fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    raw.append(buf, size_t(n));
  }
  http_response r;
  const auto head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos || raw.size() < 12) throw std::runtime_error("malformed response");
  r.status = std::stoi(raw.substr(9, 3));
  size_t pos = raw.find("\r\n") + 2;
  while (pos < head_end) {
    const auto eol = raw.find("\r\n", pos);
    const auto colon = raw.find(':', pos);
    if (colon != std::string::npos && colon < eol) {
      std::string value = raw.substr(colon + 1, eol - colon - 1);
      value.erase(0, value.find_first_not_of(' '));
      r.headers[lower(raw.substr(pos, colon - pos))] = value;
    }
    pos = eol + 2;
  }
  r.body = raw.substr(head_end + 4);
  if (lower(r.headers["transfer-encoding"]) == "chunked") r.body = dechunk(r.body);
  return r;
}

http_response http_request(uint16_t port, const std::string& method, const std::string& path,
                           const std::string& body, const std::map<std::string, std::string>& headers,
                           int timeout_ms) {
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  return http_exchange(port, req, timeout_ms);
}

uint16_t free_port() {
  fd_guard sock{::socket(AF_INET, SOCK_STREAM, 0)};
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(sock.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("bind failed");
  socklen_t len = sizeof addr;
  ::getsockname(sock.fd, reinterpret_cast<sockaddr*>(&addr), &len);
  return ntohs(addr.sin_port);
}

}  // namespace vlserve::testing
