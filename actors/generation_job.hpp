// What a session asks the model worker to generate: the prepared sequence (token ids, positions,
// decoding settings). Local-only for now: it travels between actors of one process.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>

#include <memory>
#include <string>

#include "model/serving/batch_runner.hpp"

namespace vlserve::actors {

struct generation_job {
  std::string session_id;
  std::shared_ptr<model::sequence_input> input;  // moved into the batch runner on admission
  // The client named the session: the registry checks the whole cluster for the id, not only its
  // own node (a generated id is unguessable and needs no check).
  bool id_from_client = false;
};

}  // namespace vlserve::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vlserve::actors::generation_job)
