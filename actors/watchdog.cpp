#include "actors/watchdog.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <stdexcept>
#include <unordered_map>

#include "actors/atoms.hpp"

namespace vlserve::actors {
namespace {

struct watched {
  session_actor session;
  int32_t attached = 0;
  uint64_t epoch = 0;  // bumped on every change, so a stale timer is recognised and ignored
};

struct watchdog_state {
  static inline const char* name = "watchdog";
  watchdog_config cfg;
  std::unordered_map<std::string, watched> sessions;
};

watchdog_actor::behavior_type watchdog_behavior(watchdog_actor::stateful_pointer<watchdog_state> self,
                                                watchdog_config cfg) {
  self->state.cfg = cfg;
  return {
      [=](vl_clients_atom, const std::string& id, const session_actor& session, int32_t attached) {
        auto& w = self->state.sessions[id];
        w.session = session;
        w.attached = attached;
        ++w.epoch;
        const auto grace = self->state.cfg.grace;
        if (attached == 0 && grace.count() > 0)
          self->delayed_send(self, grace, vl_expire_atom::value, id, w.epoch);
      },
      [=](vl_forget_atom, const std::string& id) { self->state.sessions.erase(id); },
      [=](vl_expire_atom, const std::string& id, uint64_t epoch) {
        auto it = self->state.sessions.find(id);
        if (it == self->state.sessions.end() || it->second.epoch != epoch || it->second.attached != 0) return;
        spdlog::info("session {}: no client for {} s, cancelling", id, self->state.cfg.grace.count());
        // Anonymous: the session answers a cancel with its session_info, and that reply sent back
        // here would be an unexpected message, which CAF 0.17 returns to the session as an error
        // that kills it (and, through its link, the registry).
        caf::anon_send(it->second.session, vl_cancel_atom::value, std::string("disconnect"));
        self->state.sessions.erase(it);
      },
  };
}

}  // namespace

void watchdog_config::validate() const {
  if (grace.count() < 0) throw std::invalid_argument("watchdog grace must be >= 0 seconds");
}

watchdog_actor spawn_watchdog(caf::actor_system& sys, const watchdog_config& cfg) {
  cfg.validate();
  return sys.spawn(watchdog_behavior, cfg);
}

}  // namespace vlserve::actors
