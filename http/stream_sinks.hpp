// The two ways a session's events reach a client: an SSE stream, or one chat.completion body
// collected until the final event.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "actors/event_sink.hpp"
#include "http/api_error.hpp"
#include "http/completion_json.hpp"
#include "http/raw_reply.hpp"

namespace vlserve::http {

// Sends each event as `id: <session>:<index>` + `data: <chunk>`; the headers go out with the first
// event, so an error before it (404, 409, 503) still gets a proper status and JSON body. The first
// block also carries `retry:`. `session_id` is the id the client knows (without the owner tag).
class sse_sink : public actors::event_sink {
 public:
  // What a stream that ends before its first event answers: `[DONE]` for POST resumes (the OpenAI
  // clients wait for it), 204 No Content for GET .../events (so an EventSource stops reconnecting).
  enum class empty_end { done, no_content };

  sse_sink(std::shared_ptr<raw_reply> reply, std::string session_id, completion_context ctx,
           empty_end on_empty = empty_end::done);
  void attach(const actors::session_info& info) override;
  bool deliver(const actors::stream_event& ev) override;
  // Starts the stream (headers and `retry:`) if it has not started, then an SSE comment.
  void keep_alive() override;
  void close(actors::failure why, const std::string& message) override;
  void reject(actors::failure why, const std::string& message, const std::string& param) override;

 private:
  std::shared_ptr<raw_reply> reply_;
  std::string session_id_;
  completion_context ctx_;
  empty_end on_empty_;
  std::mutex mutex_;
  bool closed_ = false;
  std::optional<uint64_t> last_index_;  // the last event sent; a closing error event repeats its id
};

// Collects the whole log and answers with one chat.completion (or the error's status and body).
class completion_sink : public actors::event_sink {
 public:
  completion_sink(std::shared_ptr<raw_reply> reply, std::string session_id, completion_context ctx,
                  size_t max_events);
  void attach(const actors::session_info& info) override;
  bool deliver(const actors::stream_event& ev) override;
  void close(actors::failure why, const std::string& message) override;
  void reject(actors::failure why, const std::string& message, const std::string& param) override;

 private:
  std::shared_ptr<raw_reply> reply_;
  std::string session_id_;
  completion_context ctx_;
  size_t max_events_;
  std::mutex mutex_;
  std::vector<actors::stream_event> events_;
  bool closed_ = false;
};

// The formatting context of a session: "chatcmpl-<id>", its start time, model and options.
completion_context context_of(const actors::session_info& info);

// Sends an OpenAI error body with the given status (503 and 429 add Retry-After).
void send_error_reply(raw_reply& reply, actors::failure why, const std::string& message, const std::string& param = {});
void send_api_error(raw_reply& reply, const api_error& e);

}  // namespace vlserve::http
