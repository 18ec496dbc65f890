#include "http/sse.hpp"

#include <charconv>
#include <cstdio>
#include <fstream>
#include <random>
#include <stdexcept>

namespace vlserve::http {

std::string sse_event(const std::string& session_id, uint64_t index, const std::string& data) {
  return "id: " + session_id + ":" + std::to_string(index) + "\ndata: " + data + "\n\n";
}

std::string sse_done() { return "data: [DONE]\n\n"; }

std::string sse_retry() { return "retry: " + std::to_string(sse_retry_ms) + "\n"; }

std::string http_chunk(const std::string& payload) {
  char size[20];
  std::snprintf(size, sizeof size, "%zx\r\n", payload.size());
  return size + payload + "\r\n";
}

std::string http_last_chunk() { return "0\r\n\r\n"; }

std::optional<resume_cursor> parse_last_event_id(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return std::nullopt;
  resume_cursor c;
  c.session_id = text.substr(0, colon);
  const char* begin = text.data() + colon + 1;
  const char* end = text.data() + text.size();
  const auto r = std::from_chars(begin, end, c.index);
  if (r.ec != std::errc() || r.ptr != end || !valid_session_id(c.session_id)) return std::nullopt;
  return c;
}

bool valid_session_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (unsigned char ch : id)
    if (!(std::isalnum(ch) || ch == '_' || ch == '-' || ch == '.')) return false;
  return true;
}

std::string new_session_id() {
  std::random_device rd;  // reads the OS entropy source on Linux
  std::string out = "sess-";
  char hex[9];
  for (int i = 0; i < 4; ++i) {
    std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(rd()));
    out += hex;
  }
  return out;
}

}  // namespace vlserve::http
