// Owns the CAF actor system and the long-lived actors; stops them in the order CAF needs.
#pragma once

#include <memory>

#include "actors/service_state.hpp"
#include "config/settings.hpp"

namespace caf {
class actor_system;
}

namespace vlserve::actors {

class runtime {
 public:
  explicit runtime(const config::settings& s);
  ~runtime();  // calls stop() if still running
  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;

  service_state& state() { return state_; }
  caf::actor_system& system();

  // Sends exit to every long-lived actor and waits for them; idempotent.
  void stop();

 private:
  struct impl;
  service_state state_;
  std::unique_ptr<impl> impl_;
};

}  // namespace vlserve::actors
