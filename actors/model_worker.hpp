// The model worker: the one owner of the engine. Loads the model (resolving/downloading it first),
// then runs continuous batching: admits sequences between steps, runs one batched step at a time,
// and sends each sequence's deltas to its session. Detached: a step blocks its thread.
#pragma once

#include <caf/fwd.hpp>

#include <array>

#include "actors/metrics.hpp"
#include "actors/model_assets.hpp"
#include "actors/protocol.hpp"
#include "actors/service_state.hpp"
#include "hub/hub_options.hpp"
#include "media/media_policy.hpp"
#include "model/serving/batch_runner.hpp"
#include "model/text/engine.hpp"

namespace vlserve::actors {

class cluster_members;

struct worker_config {
  hub::hub_options hub;  // where the model comes from
  model::engine_options engine;
  model::runner_options runner;
  int max_tokens_default = 256;
  double temperature_default = 0.7;
  std::array<int, 3> effort_budgets{1024, 4096, 16384};  // REASONING_EFFORT_BUDGETS
  std::string served_model_name;  // /v1/models id; the repo id by default
  media::media_policy media;  // MEDIA_* settings for request images/videos
  int64_t prefix_cache_bytes = -1;   // PREFIX_CACHE_BYTES; -1 = auto, resolved when the model loads
  int64_t vision_cache_bytes = 0;    // VISION_CACHE_BYTES; 0 = off
  // Nodes that passed the cluster gate (actors/cluster_gate.hpp); messages from any other node are
  // dropped. Null: this node takes no work from peers.
  std::shared_ptr<const cluster_members> members;

  void validate() const;
};

// Everything the worker reports to, shared with the HTTP layer. Must outlive the actor system.
struct worker_outputs {
  service_state* state = nullptr;
  service_metrics* metrics = nullptr;
  assets_holder* assets = nullptr;
};

// Its interface is `model_worker_actor` (actors/protocol.hpp): jobs from local sessions and from
// sessions on nodes that passed the cluster gate; deltas go back as (vl_event_atom, stream_event).
model_worker_actor spawn_model_worker(caf::actor_system& sys, worker_config cfg, worker_outputs out);

}  // namespace vlserve::actors
