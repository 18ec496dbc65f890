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
};

}  // namespace vlserve::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vlserve::actors::generation_job)
