// Where a session delivers its events: an SSE connection, a non-streaming reply being collected,
// or a test recorder. Implemented outside actors/ (http/), called from actor threads.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>

#include <memory>

#include "actors/messages.hpp"

namespace vlserve::actors {

class event_sink {
 public:
  virtual ~event_sink() = default;
  // Called once by the session before the first deliver(): ids, timestamps and options the
  // formatting needs, so a replay after a restart renders exactly like the live stream.
  virtual void attach(const session_info& info) = 0;
  // Must not block. Returns false once the client is gone (the session then drops the sink).
  virtual bool deliver(const stream_event& ev) = 0;
  // No more events will come: the final event was delivered (failure::none), or the session
  // cannot continue (then `why` and `message` say so). Called at most once.
  virtual void close(failure why, const std::string& message) = 0;
  // The request is accepted and waiting (queued, or reading its prompt): a stream may send its
  // headers and a comment now, and again every few seconds, so clients and proxies do not time
  // out. Must not block.
  virtual void keep_alive() {}
  // The request was refused before any event (e.g. a bad image): like close(), but names the
  // offending request field so the client's 400 says which part failed.
  virtual void reject(failure why, const std::string& message, const std::string& param) {
    (void)param;
    close(why, message);
  }
};

using sink_ptr = std::shared_ptr<event_sink>;

}  // namespace vlserve::actors

// Sinks hold sockets and callbacks: they never leave this process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vlserve::actors::sink_ptr)
