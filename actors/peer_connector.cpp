#include "actors/peer_connector.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <map>
#include <set>

#include "actors/atoms.hpp"

namespace vlserve::actors {
namespace {

struct connector_state {
  static inline const char* name = "peer_connector";
  peer_connector_config cfg;
  std::map<std::string, caf::actor> connected;  // by host:port
  std::set<std::string> refused;                // peers already reported as a different model
  bool retry_armed = false;
};

using connector_ptr = caf::stateful_actor<connector_state>*;

void arm_retry(connector_ptr self) {
  if (self->state.retry_armed) return;
  self->state.retry_armed = true;
  self->delayed_send(self, self->state.cfg.retry, vl_connect_atom::value);
}

// Several connectors may run (one per peer), so each adds or removes its own peers from the gauge.
void count_peer(connector_ptr self, int64_t delta) {
  if (self->state.cfg.metrics) self->state.cfg.metrics->cluster_peers += delta;
}

// The model fingerprint `worker` reports, or "" when it has no model yet or does not answer.
std::string fingerprint_of(connector_ptr self, const caf::actor& worker) {
  std::string out;
  caf::scoped_actor asker{self->system()};
  asker->request(worker, std::chrono::seconds(5), vl_fingerprint_atom::value)
      .receive([&](const std::string& fp) { out = fp; }, [&](const caf::error&) {});
  return out;
}

// One pass over the peers not connected yet; arms a retry while any is missing.
void connect_missing(connector_ptr self) {
  auto& st = self->state;
  bool missing = false;
  for (const auto& peer : st.cfg.peers) {
    if (st.connected.count(peer)) continue;
    const auto colon = peer.rfind(':');
    const std::string host = peer.substr(0, colon);
    const auto port = uint16_t(std::stoi(peer.substr(colon + 1)));
    auto worker = self->system().middleman().remote_actor(host, port);
    if (!worker) {
      missing = true;
      spdlog::debug("cluster: peer {} not reachable yet: {}", peer, self->system().render(worker.error()));
      continue;
    }
    const std::string mine = fingerprint_of(self, st.cfg.local_worker);
    const std::string theirs = fingerprint_of(self, *worker);
    if (mine.empty() || theirs.empty()) {  // a model still loading: ask again later
      missing = true;
      continue;
    }
    if (mine != theirs) {
      if (st.refused.insert(peer).second)
        spdlog::error("cluster: peer {} serves a different model (fingerprint {}, this node {}); not using it",
                      peer, theirs, mine);
      missing = true;
      continue;
    }
    st.refused.erase(peer);
    spdlog::info("cluster: connected to peer {} (model {})", peer, mine);
    self->monitor(*worker);
    st.connected[peer] = *worker;
    count_peer(self, +1);
    self->send(st.cfg.registry, vl_peer_atom::value, *worker);
  }
  if (missing) arm_retry(self);
}

caf::behavior connector_behavior(connector_ptr self, peer_connector_config cfg) {
  self->state.cfg = std::move(cfg);
  self->set_down_handler([=](const caf::down_msg& dm) {
    auto& st = self->state;
    for (auto it = st.connected.begin(); it != st.connected.end(); ++it) {
      if (it->second.address() != dm.source) continue;
      spdlog::warn("cluster: lost peer {}; reconnecting", it->first);
      st.connected.erase(it);
      count_peer(self, -1);
      break;
    }
    arm_retry(self);
  });
  self->send(self, vl_connect_atom::value);
  return {
      [=](vl_connect_atom) {
        self->state.retry_armed = false;
        connect_missing(self);
      },
  };
}

}  // namespace

caf::actor spawn_peer_connector(caf::actor_system& sys, peer_connector_config cfg) {
  return sys.spawn<caf::detached>(connector_behavior, std::move(cfg));
}

}  // namespace vlserve::actors
