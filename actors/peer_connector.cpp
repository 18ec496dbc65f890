#include "actors/peer_connector.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/atoms.hpp"
#include "actors/cluster_gate.hpp"

namespace vlserve::actors {
namespace {

struct connector_state {
  static inline const char* name = "peer_connector";
  peer_connector_config cfg;
  model_worker_actor worker;  // the peer's worker while it is part of the cluster
  bool refused = false;  // already reported as serving a different model
  bool retry_armed = false;
  bool reported = false;  // the last refusal is logged once, not every retry
};

using connector_ptr = peer_connector_actor::stateful_pointer<connector_state>;

void arm_retry(connector_ptr self) {
  if (self->state.retry_armed) return;
  self->state.retry_armed = true;
  self->delayed_send(self, self->state.cfg.retry, vl_connect_atom::value);
}

// The model fingerprint `worker` reports, or "" when it has no model yet or does not answer.
std::string fingerprint_of(connector_ptr self, const model_worker_actor& worker) {
  std::string out;
  caf::scoped_actor asker{self->system()};
  asker->request(worker, std::chrono::seconds(5), vl_fingerprint_atom::value)
      .receive([&](const std::string& fp) { out = fp; }, [&](const caf::error&) {});
  return out;
}

// One attempt to join the peer; arms a retry unless it joined.
void try_connect(connector_ptr self) {
  auto& st = self->state;
  const std::string& peer = st.cfg.peer;
  const auto colon = peer.rfind(':');
  auto gate = self->system().middleman().remote_actor<cluster_gate_actor>(peer.substr(0, colon),
                                                       uint16_t(std::stoi(peer.substr(colon + 1))));
  if (!gate) {
    spdlog::debug("cluster: peer {} not reachable yet: {}", peer, self->system().render(gate.error()));
    return arm_retry(self);
  }
  if (gate->node() == self->node()) {
    spdlog::info("cluster: {} is this node's own address; not joining it", peer);
    return self->quit();
  }
  const std::string mine = fingerprint_of(self, st.cfg.local_worker);
  if (mine.empty()) return arm_retry(self);  // this node's model is still loading
  std::string why;
  const auto welcome = pass_cluster_gate(self->system(), *gate, st.cfg.secret,
                                         {"", "", mine, st.cfg.advertised, st.cfg.local_worker, st.cfg.registry}, why);
  if (!welcome) {
    if (st.reported) return arm_retry(self);
    if (why.find("different model") != std::string::npos)
      spdlog::error("cluster: peer {} serves a different model (this node {}); not using it", peer, mine);
    else
      spdlog::error("cluster: peer {} did not let this node in ({}); check that both use the same CLUSTER_SECRET",
                    peer, why);
    st.reported = true;
    return arm_retry(self);
  }
  st.reported = false;
  if (st.cfg.members) st.cfg.members->admit(gate->node());
  const model_worker_actor* worker = &welcome->worker;
  const std::string theirs = fingerprint_of(self, *worker);
  if (theirs.empty()) return arm_retry(self);  // its model is still loading
  if (mine != theirs) {
    if (!st.refused)
      spdlog::error("cluster: peer {} serves a different model (fingerprint {}, this node {}); not using it",
                    peer, theirs, mine);
    st.refused = true;
    return arm_retry(self);
  }
  st.refused = false;
  spdlog::info("cluster: connected to peer {} (model {})", peer, mine);
  self->monitor(*worker);
  st.worker = *worker;
  self->send(st.cfg.registry, vl_peer_atom::value, *worker, welcome->registry);
  // Membership spreads: the nodes the peer knows are joined too (the membership skips known ones).
  if (st.cfg.membership)
    for (const auto& address : welcome->members) self->send(st.cfg.membership, vl_connect_atom::value, address);
}

peer_connector_actor::behavior_type connector_behavior(connector_ptr self, peer_connector_config cfg) {
  self->state.cfg = std::move(cfg);
  self->set_down_handler([=](const caf::down_msg& dm) {
    auto& st = self->state;
    if (!st.worker || st.worker.address() != dm.source) return;
    spdlog::warn("cluster: lost peer {}; reconnecting", st.cfg.peer);
    st.worker = nullptr;
    arm_retry(self);
  });
  self->send(self, vl_connect_atom::value);
  return {
      [=](vl_connect_atom) {
        self->state.retry_armed = false;
        if (!self->state.worker) try_connect(self);
      },
  };
}

}  // namespace

peer_connector_actor spawn_peer_connector(caf::actor_system& sys, peer_connector_config cfg) {
  return sys.spawn<caf::detached>(connector_behavior, std::move(cfg));
}

}  // namespace vlserve::actors
