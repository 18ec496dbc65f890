// Joins this node to one other node of the cluster through CAF's own networking (the io middleman;
// the membership spawns one connector per known address): connects to the peer's published
// cluster gate, passes it (both sides prove CLUSTER_SECRET), checks that the peer serves the same
// model (fingerprints equal; a mismatch is logged and the peer left out), hands the peer's worker
// and registry to the registry, tells the membership the addresses the peer knows, and retries
// every few seconds while the peer is unreachable, still loading, different, or after it went
// away. Detached: connecting blocks.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "actors/protocol.hpp"

namespace vlserve::actors {

class cluster_members;

struct peer_connector_config {
  std::string peer;                // host:port of the peer's cluster gate
  registry_actor registry;         // gets (vl_peer_atom, worker, registry) when the peer joins
  model_worker_actor local_worker; // its model fingerprint must match the peer's
  std::chrono::milliseconds retry{2000};
  std::string secret;              // CLUSTER_SECRET, proven to the peer's cluster gate
  std::string advertised;          // CLUSTER_ADVERTISE: told to the peer, which tells later joiners
  cluster_membership_actor membership;  // gets the addresses the peer knows (may be null)
  // The peer's node joins it once its gate proved the secret back: its sessions may then use
  // this node's worker and ask this node's registry, as if it had passed this node's gate.
  std::shared_ptr<cluster_members> members;
};

// Its interface is `peer_connector_actor` (actors/protocol.hpp).
peer_connector_actor spawn_peer_connector(caf::actor_system& sys, peer_connector_config cfg);

}  // namespace vlserve::actors
