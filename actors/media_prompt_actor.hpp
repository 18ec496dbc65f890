// Builds prompts that carry images or videos: fetching media, decoding, preprocessing and running
// the vision tower take seconds, so they run here, on a detached thread, instead of on Pistache's
// reactor (which would stall every connection) or CAF's shared scheduler. Text-only prompts are
// built by the chat reader (http/chat_reader), which hands media prompts on to this actor.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>

#include <memory>

#include "actors/event_sink.hpp"
#include "actors/messages.hpp"
#include "actors/model_assets.hpp"
#include "actors/protocol.hpp"
#include "model/chat/chat_request.hpp"

namespace vlserve::actors {

struct build_order {
  model::chat_request request;
  std::shared_ptr<const model_assets> assets;
  session_info info;
  sink_ptr sink;       // refused with 400 (naming the content part) when the prompt cannot be built
  registry_actor registry;  // gets (vl_create_atom, info, job, sink) when it can
  std::shared_ptr<void> building;  // dropped when the order is done: counts prompts being built
  bool id_from_client = false;     // see generation_job
};

// Its interface is `media_prompt_actor_type` (actors/protocol.hpp).
media_prompt_actor_type spawn_media_prompt_actor(caf::actor_system& sys);

}  // namespace vlserve::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vlserve::actors::build_order)
