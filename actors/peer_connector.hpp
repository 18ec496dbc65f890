// Joins this node to the model workers of its CLUSTER_PEERS through CAF's own networking (the
// io middleman): connects to each peer's published worker, checks that it serves the same model
// (model fingerprints equal; a mismatch is logged and the peer left out), hands it to the
// registry, and retries every few seconds while a peer is unreachable, still loading, different,
// or after it went away. Detached: connecting blocks.
#pragma once

#include <caf/actor.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "actors/metrics.hpp"

namespace vlserve::actors {

struct peer_connector_config {
  std::vector<std::string> peers;  // host:port, as CLUSTER_PEERS (the runtime gives each its own)
  caf::actor registry;             // gets (vl_peer_atom, actor) per connected worker
  caf::actor local_worker;         // its model fingerprint must match each peer's
  service_metrics* metrics = nullptr;  // cluster_peers gauge (+1/-1 per peer); must outlive the system
  std::chrono::milliseconds retry{2000};
};

caf::actor spawn_peer_connector(caf::actor_system& sys, peer_connector_config cfg);

}  // namespace vlserve::actors
