#include "http/stream_sinks.hpp"

#include "http/api_error.hpp"
#include "http/api_keys.hpp"
#include "http/failure_table.hpp"
#include "http/sse.hpp"

namespace vlserve::http {

void send_error_reply(raw_reply& reply, actors::failure why, const std::string& message, const std::string& param) {
  send_api_error(reply, api_error_for(why, message, param));
}

void send_api_error(raw_reply& reply, const api_error& e) {
  std::vector<std::string> headers;
  if (const int seconds = retry_after_seconds(e)) headers.push_back("Retry-After: " + std::to_string(seconds));
  reply.send(e.status, "application/json", error_body(e), headers);
}

completion_context context_of(const actors::session_info& info) {
  return {"chatcmpl-" + client_session_id(info.id), info.created, info.model, info.logprobs};
}

void sse_sink::attach(const actors::session_info& info) {
  std::lock_guard<std::mutex> lock(mutex_);
  ctx_ = context_of(info);
}

void completion_sink::attach(const actors::session_info& info) {
  std::lock_guard<std::mutex> lock(mutex_);
  ctx_ = context_of(info);
}

sse_sink::sse_sink(std::shared_ptr<raw_reply> reply, std::string session_id, completion_context ctx,
                   empty_end on_empty)
    : reply_(std::move(reply)), session_id_(std::move(session_id)), ctx_(std::move(ctx)), on_empty_(on_empty) {}

bool sse_sink::deliver(const actors::stream_event& ev) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_ || !reply_->connected()) return false;
  const std::string retry = reply_->start_event_stream() ? sse_retry() : "";
  reply_->send_chunk(retry + sse_event(session_id_, ev.index, chunk_json(ev, ctx_)));
  last_index_ = ev.index;
  return true;
}

void sse_sink::keep_alive() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_ || !reply_->connected()) return;
  const std::string retry = reply_->start_event_stream() ? sse_retry() : "";
  reply_->send_chunk(retry + ": keep-alive\n\n");
}

void sse_sink::close(actors::failure why, const std::string& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) return;
  closed_ = true;
  const bool failed = why != actors::failure::none;
  if (failed && !reply_->started()) return send_error_reply(*reply_, why, message);
  if (!reply_->started() && on_empty_ == empty_end::no_content) return reply_->send_no_content();
  std::string tail = reply_->start_event_stream() ? sse_retry() : "";
  if (failed) {
    // Not in the log, so it repeats the last event's id: a client that resumes from it misses nothing.
    actors::stream_event ev = actors::failure_event(why, message);
    if (last_index_) ev.index = *last_index_;
    tail += last_index_ ? sse_event(session_id_, *last_index_, chunk_json(ev, ctx_))
                        : "data: " + chunk_json(ev, ctx_) + "\n\n";
  }
  reply_->send_chunk(tail + sse_done());
  reply_->end_chunks();
}

void sse_sink::reject(actors::failure why, const std::string& message, const std::string& param) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) return;
  closed_ = true;
  send_error_reply(*reply_, why, message, param);
}

void completion_sink::reject(actors::failure why, const std::string& message, const std::string& param) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) return;
  closed_ = true;
  send_error_reply(*reply_, why, message, param);
}

completion_sink::completion_sink(std::shared_ptr<raw_reply> reply, std::string session_id, completion_context ctx,
                                 size_t max_events)
    : reply_(std::move(reply)), session_id_(std::move(session_id)), ctx_(std::move(ctx)), max_events_(max_events) {}

bool completion_sink::deliver(const actors::stream_event& ev) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_ || !reply_->connected() || events_.size() >= max_events_) return false;
  events_.push_back(ev);
  return true;
}

void completion_sink::close(actors::failure why, const std::string& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) return;
  closed_ = true;
  for (const auto& ev : events_)
    if (ev.error != actors::failure::none) return send_error_reply(*reply_, ev.error, ev.error_message);
  if (why != actors::failure::none) return send_error_reply(*reply_, why, message);
  reply_->send(200, "application/json", completion_json(events_, ctx_), {"X-Session-Id: " + session_id_});
}

}  // namespace vlserve::http
