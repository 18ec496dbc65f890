#include "http/raw_reply.hpp"

#include <pistache/peer.h>

#include "http/sse.hpp"

namespace vlserve::http {

raw_reply::raw_reply(const std::shared_ptr<Pistache::Tcp::Peer>& peer, actors::service_metrics& metrics)
    : peer_(peer), metrics_(metrics), peer_id_(peer->getID()) {
  // Made on the reactor thread, by a handler that returns before the reply is written. Pistache's
  // idle checker would count the connection's request timers from that return and cut the reply
  // after the (short) header timeout; an idle-marked peer is only subject to the keep-alive
  // timeout, which the server sets long (stack-notes §2).
  peer->setIdle(true);
}

void raw_reply::write(const std::string& bytes) {
  // A failed write is swallowed by Pistache and its promise never settles: never wait on it.
  if (auto p = peer_.lock()) p->send(Pistache::RawBuffer(bytes, bytes.size()));
}

bool raw_reply::connected() const { return !peer_.expired(); }

void raw_reply::send(int status, const std::string& content_type, const std::string& body,
                     const std::vector<std::string>& extra_headers) {
  if (started_.exchange(true)) return;
  metrics_.count_request(status);
  std::vector<std::string> headers = extra_headers;
  headers.insert(headers.end(), common_.begin(), common_.end());
  write(whole_response(status, content_type, body, headers));
}

std::string whole_response(int status, const std::string& content_type, const std::string& body,
                           const std::vector<std::string>& headers) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) + "\r\n";
  out += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  for (const auto& h : headers) out += h + "\r\n";
  return out + "\r\n" + body;
}

void raw_reply::send_no_content() {
  if (started_.exchange(true)) return;
  metrics_.count_request(204);
  std::string head = "HTTP/1.1 204 No Content\r\nCache-Control: no-cache\r\n";
  for (const auto& h : common_) head += h + "\r\n";
  write(head + "\r\n");
}

bool raw_reply::start_event_stream() {
  if (started_.exchange(true)) return false;
  metrics_.count_request(200);
  std::string head =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
      "X-Accel-Buffering: no\r\nTransfer-Encoding: chunked\r\n";
  for (const auto& h : common_) head += h + "\r\n";
  write(head + "\r\n");
  return true;
}

void raw_reply::send_chunk(const std::string& payload) { write(http_chunk(payload)); }

void raw_reply::end_chunks() { write(http_last_chunk()); }

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

}  // namespace vlserve::http
