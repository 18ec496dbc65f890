// The model worker: the one owner of the engine. Loads the model (resolving/downloading it first),
// then runs continuous batching: admits sequences between steps, runs one batched step at a time,
// and sends each sequence's deltas to its session. Detached: a step blocks its thread.
#pragma once

#include <caf/fwd.hpp>

#include <array>
#include <chrono>
#include <deque>
#include <functional>

#include "actors/metrics.hpp"
#include "actors/model_assets.hpp"
#include "actors/model_loader.hpp"
#include "actors/protocol.hpp"
#include "actors/service_state.hpp"
#include "media/media_policy.hpp"
#include "model/serving/batch_runner.hpp"
#include "model/text/engine.hpp"

namespace vlserve::actors {

class cluster_members;

struct worker_config {
  model_loader loader;  // where the model comes from (actors/model_loader.hpp)
  model::runner_options runner;
  int max_tokens_default = 256;
  double temperature_default = 0.7;
  std::array<int, 3> effort_budgets{1024, 4096, 16384};  // REASONING_EFFORT_BUDGETS
  std::string served_model_name;  // /v1/models id; the repo id by default
  media::media_policy media;  // MEDIA_* settings for request images/videos
  // A step that throws fails the sequences in flight (worker_failed), then the worker reloads
  // the model through its loader and serves on; more than `max_restarts` within
  // `restart_window` and it stops instead (/health error: restart the server).
  int max_restarts = 3;
  std::chrono::seconds restart_window{600};
  // Tests only: runs before each engine step; an exception from it counts as a failed step.
  std::function<void()> before_step;
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
// Detached (a step blocks its thread); `detached = false` runs it on the scheduler, for actor
// tests on CAF's deterministic test coordinator.
model_worker_actor spawn_model_worker(caf::actor_system& sys, worker_config cfg, worker_outputs out,
                                      bool detached = true);

}  // namespace vlserve::actors
