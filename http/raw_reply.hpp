// Writes a whole HTTP response, or a chunked stream, straight onto a connection from any thread.
// Pistache's ResponseWriter/ResponseStream must not be flushed off the reactor thread (it aborts;
// stack-notes §2), but Tcp::Peer::send only queues bytes for the reactor, so actors reply through it.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "actors/metrics.hpp"

namespace Pistache::Tcp {
class Peer;
}

namespace vlserve::http {

class raw_reply {
 public:
  // metrics counts the reply's status when it is sent; it must outlive the reply.
  raw_reply(const std::shared_ptr<Pistache::Tcp::Peer>& peer, actors::service_metrics& metrics);

  // Whole response with Content-Length. extra_headers are complete "Name: value" lines.
  void send(int status, const std::string& content_type, const std::string& body,
            const std::vector<std::string>& extra_headers = {});
  // Status line and headers of a chunked text/event-stream response; true when this call wrote
  // them (false when the response had already started).
  bool start_event_stream();
  // "204 No Content": what ends an EventSource's reconnects when there is nothing after its id.
  void send_no_content();
  void send_chunk(const std::string& payload);
  void end_chunks();

  // Lines ("Name: value") added to whatever this reply sends (CORS); call before sending.
  void add_headers(const std::vector<std::string>& lines) { common_.insert(common_.end(), lines.begin(), lines.end()); }

  bool connected() const;
  bool started() const { return started_.load(); }
  size_t peer_id() const { return peer_id_; }

 private:
  void write(const std::string& bytes);

  std::weak_ptr<Pistache::Tcp::Peer> peer_;
  actors::service_metrics& metrics_;
  size_t peer_id_ = 0;
  std::atomic<bool> started_{false};
  std::vector<std::string> common_;
};

const char* reason_phrase(int status);

// The bytes of a whole response with Content-Length; `headers` are complete "Name: value" lines.
std::string whole_response(int status, const std::string& content_type, const std::string& body,
                           const std::vector<std::string>& headers);

}  // namespace vlserve::http
