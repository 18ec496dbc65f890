// Reads chat (and tokenize) requests off Pistache's reactor thread: JSON parsing, validation, the chat template
// and tokenising (a 15 MB prompt takes seconds) run on this detached actor's own thread, so the
// reactor only moves bytes and /health answers at once. Text prompts go from here to the
// registry; prompts with images or videos go on to the media prompt actor (actors/media_prompt_actor).
// Errors are answered from here through the connection's raw_reply.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>

#include <functional>
#include <memory>
#include <string>

#include "http/raw_reply.hpp"
#include "http/route_context.hpp"

namespace vlserve::http {

// A chat request the route accepted (authorised, size checked) and the reader has to open.
struct pending_chat {
  std::string owner;           // the API key's tag ("" without keys)
  std::string body;            // the raw JSON body
  std::string session_header;  // X-Session-Id, or ""
  std::string origin;          // for CORS headers on whatever the reply sends
  std::shared_ptr<raw_reply> reply;
  // Held until the request reaches the registry or is refused: counts prompts_building.
  std::shared_ptr<void> building;
};

// Other work that must not run on the reactor (/tokenize, /detokenize); it answers by itself.
struct off_reactor_job {
  std::function<void()> run;
};

// Its interface is `chat_reader_actor` (http/chat_reader_actor.hpp).
chat_reader_actor spawn_chat_reader(caf::actor_system& sys, route_context& ctx);
void send_to_reader(const chat_reader_actor& reader, pending_chat chat);
void run_off_reactor(const chat_reader_actor& reader, std::function<void()> run);

// Counts a request in metrics.prompts_building until the returned handle is dropped.
std::shared_ptr<void> count_building(actors::service_metrics& metrics);

}  // namespace vlserve::http

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vlserve::http::pending_chat)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vlserve::http::off_reactor_job)
