// The resume cursor: Last-Event-ID parsing, the query value's percent-decoding and session-id
// validation (http/sse.cpp, http/request_headers.cpp), each checked against a plain reference.
#include <cstddef>
#include <cstdint>
#include <string>

#include "http/request_headers.hpp"
#include "http/sse.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

bool reference_session_id(const std::string& s) {
  if (s.empty() || s.size() > 128) return false;
  for (unsigned char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
      return false;
  return true;
}

// "<session>:<digits>" with the digits' value below 2^64, computed without from_chars.
bool reference_cursor(const std::string& s, std::string& session, uint64_t& index) {
  const auto colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  session = s.substr(0, colon);
  const std::string digits = s.substr(colon + 1);
  if (!reference_session_id(session) || digits.empty()) return false;
  unsigned __int128 v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + unsigned(c - '0');
    if (v > UINT64_MAX) return false;
  }
  index = uint64_t(v);
  return true;
}

std::string percent_encode_all(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) out += {'%', hex[c >> 4], hex[c & 15]};
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vlserve::http;
  const std::string text(reinterpret_cast<const char*>(data), size);

  FUZZ_CHECK(valid_session_id(text) == reference_session_id(text));

  std::string session;
  uint64_t index = 0;
  const bool expected = reference_cursor(text, session, index);
  const auto cursor = parse_last_event_id(text);
  FUZZ_CHECK(cursor.has_value() == expected);
  if (cursor) {
    FUZZ_CHECK(cursor->session_id == session && cursor->index == index);
    FUZZ_CHECK(cursor->next() == (index == UINT64_MAX ? UINT64_MAX : index + 1));
    // The id line the server writes for that cursor reads back as the same cursor.
    const std::string event = sse_event(cursor->session_id, cursor->index, "x");
    FUZZ_CHECK(event.rfind("id: ", 0) == 0);
    const auto again = parse_last_event_id(event.substr(4, event.find('\n') - 4));
    FUZZ_CHECK(again && again->session_id == session && again->index == index);
  }

  // What encodeURIComponent would send decodes back to the text; decoding never grows it.
  FUZZ_CHECK(percent_decode(percent_encode_all(text)) == text);
  const std::string decoded = percent_decode(text);
  FUZZ_CHECK(decoded.size() <= text.size());
  if (text.find('%') == std::string::npos && text.find('+') == std::string::npos) FUZZ_CHECK(decoded == text);
  parse_last_event_id(decoded);
  return 0;
}
