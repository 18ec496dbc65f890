// Who is in the cluster, as this node knows it: host:port addresses of cluster gates. Each address
// learned from CLUSTER_PEERS or from a gate's welcome gets a peer connector (so every node ends up
// joined to every other, and reconnects to each after a loss); an address a joiner advertised at
// this node's gate is only listed, since that joiner already keeps its link to this node. Later
// joiners get the whole list at the gate: membership spreads from any one address.
#pragma once

#include <caf/actor_system.hpp>

#include <string>

#include "actors/peer_connector.hpp"
#include "actors/protocol.hpp"

namespace vlserve::actors {

struct cluster_membership_config {
  std::string own_address;           // CLUSTER_ADVERTISE ("" = not listed, never joined to itself)
  peer_connector_config connector;   // the template for every connector (its `peer` is set per address)
  size_t max_members = 64;           // addresses beyond this are refused, with a warning
};

// Its interface is `cluster_membership_actor` (actors/protocol.hpp). Its connectors are linked
// to it: stopping it stops them.
cluster_membership_actor spawn_cluster_membership(caf::actor_system& sys, cluster_membership_config cfg);

}  // namespace vlserve::actors
