// Owns the CAF actor system and the long-lived actors (persister, watchdog, model worker,
// registry, and in a cluster the peer connector); publishes the worker on CLUSTER_PORT; stops
// them in the order CAF needs.
#pragma once

#include <atomic>
#include <chrono>
#include <caf/actor.hpp>

#include <memory>
#include <vector>

#include "actors/metrics.hpp"
#include "actors/model_assets.hpp"
#include "actors/protocol.hpp"
#include "actors/service_state.hpp"
#include "config/settings.hpp"

namespace caf {
class actor_system;
}

namespace vlserve::actors {

class runtime {
 public:
  // Starts every actor; the model loads in the background on the worker's thread.
  // Throws when the session store cannot be opened.
  explicit runtime(const config::settings& s);
  ~runtime();  // calls stop() if still running
  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;

  service_state& state() { return state_; }
  service_metrics& metrics() { return metrics_; }
  assets_holder& assets() { return assets_; }
  caf::actor_system& system();
  const registry_actor& registry() const { return registry_; }
  const media_prompt_actor_type& media_prompt_actor() const { return media_prompts_; }
  const config::settings& settings() const { return settings_; }

  // Sends exit to every long-lived actor and destroys the system; idempotent.
  void stop();
  // Shutdown, before HTTP stops: running sessions end `interrupted` in the store and for their
  // clients, their sequences are cancelled. Waits at most `budget`.
  void interrupt_sessions(std::chrono::milliseconds budget);

 private:
  struct impl;
  config::settings settings_;
  service_state state_;
  service_metrics metrics_;
  assets_holder assets_;
  std::unique_ptr<impl> impl_;
  persister_actor persister_;
  watchdog_actor watchdog_;
  model_worker_actor worker_;
  registry_actor registry_;
  media_prompt_actor_type media_prompts_;
  cluster_gate_actor gate_;
  std::shared_ptr<std::atomic<bool>> stopping_ = std::make_shared<std::atomic<bool>>(false);
  cluster_membership_actor membership_;  // a peer connector per known cluster address
};

}  // namespace vlserve::actors
