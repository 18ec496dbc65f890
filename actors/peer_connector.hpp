// Joins this node to one model worker of its CLUSTER_PEERS through CAF's own networking (the io
// middleman; the runtime spawns one connector per peer): connects to the peer's published worker,
// checks that it serves the same model (model fingerprints equal; a mismatch is logged and the
// peer left out), hands it to the registry, and retries every few seconds while the peer is
// unreachable, still loading, different, or after it went away. Detached: connecting blocks.
#pragma once

#include <chrono>
#include <string>

#include "actors/metrics.hpp"
#include "actors/protocol.hpp"

namespace vlserve::actors {

struct peer_connector_config {
  std::string peer;                // host:port, one entry of CLUSTER_PEERS
  registry_actor registry;         // gets (vl_peer_atom, worker) when the peer joins
  model_worker_actor local_worker; // its model fingerprint must match the peer's
  service_metrics* metrics = nullptr;  // cluster_peers gauge (+1/-1); must outlive the system
  std::chrono::milliseconds retry{2000};
  std::string secret;              // CLUSTER_SECRET, proven to the peer's cluster gate
};

// Its interface is `peer_connector_actor` (actors/protocol.hpp).
peer_connector_actor spawn_peer_connector(caf::actor_system& sys, peer_connector_config cfg);

}  // namespace vlserve::actors
