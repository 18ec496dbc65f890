#include "actors/cluster_membership.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <set>

#include "actors/atoms.hpp"

namespace vlserve::actors {
namespace {

struct membership_state {
  static inline const char* name = "cluster_membership";
  cluster_membership_config cfg;
  std::set<std::string> known;  // every address listed, own excluded
  std::vector<peer_connector_actor> connectors;
};

using membership_ptr = cluster_membership_actor::stateful_pointer<membership_state>;

// Adds `address` to the list; false when it is this node, already there, or over the bound.
bool learn(membership_ptr self, const std::string& address) {
  auto& st = self->state;
  if (address.empty() || address == st.cfg.own_address || st.known.count(address)) return false;
  if (st.known.size() >= st.cfg.max_members) {
    spdlog::warn("cluster: not adding {}: this node already knows {} nodes", address, st.known.size());
    return false;
  }
  st.known.insert(address);
  return true;
}

}  // namespace

cluster_membership_actor spawn_cluster_membership(caf::actor_system& sys, cluster_membership_config cfg) {
  return sys.spawn([cfg](membership_ptr self) -> cluster_membership_actor::behavior_type {
    self->state.cfg = cfg;
    self->state.cfg.connector.membership = caf::actor_cast<cluster_membership_actor>(self);
    return {
        [=](vl_connect_atom, const std::string& address) {
          if (!learn(self, address)) return;
          auto c = self->state.cfg.connector;
          c.peer = address;
          spdlog::info("cluster: joining {}", address);
          auto connector = spawn_peer_connector(self->system(), std::move(c));
          self->link_to(connector);
          self->state.connectors.push_back(connector);
        },
        [=](vl_peer_atom, const std::string& address) { learn(self, address); },
        [=](vl_lookup_atom) {
          std::vector<std::string> out(self->state.known.begin(), self->state.known.end());
          if (!self->state.cfg.own_address.empty()) out.push_back(self->state.cfg.own_address);
          return out;
        },
    };
  });
}

}  // namespace vlserve::actors
