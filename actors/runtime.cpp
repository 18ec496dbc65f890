#include "actors/runtime.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <thread>

namespace vlserve::actors {

struct runtime::impl {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
};

runtime::runtime(const config::settings& s) : impl_(std::make_unique<impl>()) {
  // Two cooperative workers are enough: blocking work runs in detached actors (stack-notes §3).
  const auto cores = std::max(2u, std::thread::hardware_concurrency());
  impl_->cfg.set("scheduler.max-threads", static_cast<size_t>(cores));
  impl_->sys = std::make_unique<caf::actor_system>(impl_->cfg);
  state_.set(service_snapshot{model_phase::loading, "starting", 0.0, s.model_repo_id});
  spdlog::info("actor system started ({} scheduler threads)", cores);
}

runtime::~runtime() { stop(); }

caf::actor_system& runtime::system() { return *impl_->sys; }

void runtime::stop() {
  if (!impl_->sys) return;
  // Destroying the system blocks until every actor has quit; nothing long-lived is left by here.
  impl_->sys.reset();
  spdlog::info("actor system stopped");
}

}  // namespace vlserve::actors
