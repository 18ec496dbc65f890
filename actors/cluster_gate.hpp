// The door of a node's cluster port. CAF's middleman lets any TCP client talk to what a node
// publishes, so the node publishes this gate instead of its worker or registry: a joining node first
// proves it knows CLUSTER_SECRET (an HMAC-SHA256 over a fresh nonce and its own CAF node id,
// compared in constant time) and the gate proves it back over the joiner's nonce; only then do the
// two nodes exchange workers and registries, and the gate lists the cluster's other addresses so
// membership spreads. Workers and registries serve only nodes a gate has let in
// (`cluster_members`), so a client that skips the gate and guesses an actor id is ignored too. The
// secret never crosses the wire and is never logged. This authenticates peers; it does not
// encrypt: the README says to keep the port on a private network.
#pragma once

#include <caf/actor_system.hpp>
#include <caf/node_id.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "actors/protocol.hpp"

namespace vlserve::actors {

// Nodes that passed the gate; read by the worker on every remote message.
class cluster_members {
 public:
  void admit(const caf::node_id& node);
  bool contains(const caf::node_id& node) const;

 private:
  mutable std::mutex mutex_;
  std::set<caf::node_id> nodes_;
};

// What a peer sends back for `nonce`: hex HMAC-SHA256(secret, "vlserve-cluster-v1|" nonce "|" node).
std::string cluster_proof(const std::string& secret, const std::string& nonce, const caf::node_id& node);

struct cluster_gate_config {
  std::string secret;
  model_worker_actor worker;      // offered to joiners; its fingerprint must equal theirs
  std::shared_ptr<cluster_members> members;
  registry_actor registry;        // offered to joiners; gets each joiner's worker and registry
  cluster_membership_actor membership;  // learns joiners' addresses, lists the known ones
};

// Its interface is `cluster_gate_actor` (actors/protocol.hpp).
cluster_gate_actor spawn_cluster_gate(caf::actor_system& sys, cluster_gate_config cfg);

// The joining side: asks `gate` for a nonce, proves the secret with `hello` (its fingerprint,
// address, worker and registry; the proof fields are filled here), checks the gate's proof in
// turn, and returns the welcome (or nothing, with `why` set). Blocking: call it from a detached
// actor.
std::optional<gate_welcome> pass_cluster_gate(caf::actor_system& sys, const cluster_gate_actor& gate,
                                              const std::string& secret, gate_hello hello, std::string& why);

}  // namespace vlserve::actors
