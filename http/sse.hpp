// Server-sent events framing and the resume cursor (Last-Event-ID: "<session_id>:<index>").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace vlserve::http {

// "id: <session>:<index>\ndata: <data>\n\n"
std::string sse_event(const std::string& session_id, uint64_t index, const std::string& data);
// The terminator the OpenAI clients wait for.
std::string sse_done();
// Opens a stream: how long an EventSource waits before it reconnects (and resends Last-Event-ID).
std::string sse_retry();
inline constexpr int sse_retry_ms = 3000;
// One HTTP/1.1 chunk carrying payload (Pistache cannot stream from other threads; stack-notes §2).
std::string http_chunk(const std::string& payload);
// The zero-length chunk that ends a chunked body.
std::string http_last_chunk();

struct resume_cursor {
  std::string session_id;
  uint64_t index = 0;  // the last event the client has; replay starts at index + 1

  // index + 1, saturating: "s:18446744073709551615" means past any event, never back to 0.
  uint64_t next() const { return index == UINT64_MAX ? UINT64_MAX : index + 1; }
};

// Parses "<session>:<index>". The session id is everything before the last ':'; the index is a
// checked unsigned 64-bit decimal (no sign, no spaces; 18446744073709551616 overflows).
// Returns nullopt when the text is not of that form.
std::optional<resume_cursor> parse_last_event_id(const std::string& text);

// Session ids: 1..128 characters of [A-Za-z0-9_.-]; keeps ids safe as LMDB keys and in SSE ids.
bool valid_session_id(const std::string& id);

// 128 random bits from the OS, hex-encoded with a "sess-" prefix.
std::string new_session_id();

}  // namespace vlserve::http
