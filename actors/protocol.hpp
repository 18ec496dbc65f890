// Every actor interface of the service, in one place. Each handle is a caf::typed_actor, so a
// message an actor does not handle, or a reply of the wrong type, is a compile error at the
// sender instead of an unexpected message at run time (which CAF 0.17 answers by killing the
// sender). Listed in dependency order: an interface names only handles declared above it.
// Payload structs are in messages.hpp, generation_job.hpp, remote_job.hpp and event_sink.hpp.
#pragma once

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "actors/atoms.hpp"
#include "actors/event_sink.hpp"
#include "actors/generation_job.hpp"
#include "actors/messages.hpp"

namespace vlserve::actors {

struct remote_job;   // actors/remote_job.hpp
struct build_order;  // actors/media_prompt_actor.hpp

// Called with the session's info and failure::none, or nullopt and why not (unknown_session,
// timed_out). Runs on an actor thread.
using info_callback = std::function<void(std::optional<session_info>, failure)>;

// One session (actors/session.cpp): its ordered event log, its clients, its lifecycle.
using session_actor = caf::typed_actor<
    // from the registry: store the metadata, then hand the job to the worker
    caf::reacts_to<vl_admit_atom, generation_job>,
    // from the worker: the next delta (the session assigns its index)
    caf::reacts_to<vl_event_atom, stream_event>,
    // from the worker: the job is accepted; clients' streams start and get keep-alives
    caf::reacts_to<vl_queued_atom>,
    // its own tick, every `keepalive` until the end
    caf::reacts_to<vl_keepalive_atom>,
    // a client: deliver events from index `from` on, then live ones
    caf::reacts_to<vl_subscribe_atom, sink_ptr, uint64_t>,
    // a client's connection closed
    caf::reacts_to<vl_unsubscribe_atom, sink_ptr>,
    // cancel if still queued/running (idempotent); the string says who asked
    caf::replies_to<vl_cancel_atom, std::string>::with<session_info>,
    // state and counts for GET /v1/sessions/{id}
    caf::replies_to<vl_info_atom>::with<session_info>,
    // shutdown: end `interrupted`; answered once that is stored
    caf::replies_to<vl_interrupt_atom>::with<bool>,
    // its own linger timer (epoch): a finished session nobody watches leaves memory
    caf::reacts_to<vl_expire_atom, uint64_t>>;

// The model worker (actors/model_worker.cpp): the one owner of the engine.
using model_worker_actor = caf::typed_actor<
    // queue a sequence; its deltas go to the session as (vl_event_atom, stream_event)
    caf::reacts_to<vl_admit_atom, generation_job, session_actor>,
    // the same from a session on another node of the cluster
    caf::reacts_to<vl_admit_atom, remote_job, session_actor>,
    // the loaded model's fingerprint ("" while loading); peers compare it before joining
    caf::replies_to<vl_fingerprint_atom>::with<std::string>,
    // drop a session's sequence before the next step (it ends "cancelled")
    caf::reacts_to<vl_cancel_atom, std::string>,
    // its own tick: run one batched step
    caf::reacts_to<vl_step_atom>>;

// The persister (actors/persister.cpp): the only user of the LMDB session store.
using persister_actor = caf::typed_actor<
    // upsert a session's metadata; an error when the store refuses it
    caf::replies_to<vl_persist_atom, session_info>::with<bool>,
    // append an event (session id, event); answers its index once committed
    caf::replies_to<vl_persist_atom, std::string, stream_event>::with<uint64_t>,
    // fsync; answered once everything queued before it is on disk
    caf::reacts_to<vl_flush_atom>,
    // a stored session's metadata; an error when unknown
    caf::replies_to<vl_load_atom, std::string>::with<session_info>,
    // up to `max` stored events of a session from index `from`
    caf::replies_to<vl_load_atom, std::string, uint64_t, uint32_t>::with<std::vector<stream_event>>,
    // its own timer: sweep sessions past SESSIONS_TTL_SECONDS
    caf::reacts_to<vl_expire_atom>>;

// The disconnect watchdog (actors/watchdog.cpp).
using watchdog_actor = caf::typed_actor<
    // a session's attached-client count changed (id, session, count)
    caf::reacts_to<vl_clients_atom, std::string, session_actor, int32_t>,
    // the session ended: stop watching it
    caf::reacts_to<vl_forget_atom, std::string>,
    // its own timer (id, epoch): cancel if still nobody is attached
    caf::reacts_to<vl_expire_atom, std::string, uint64_t>>;

// A client's stream of a session owned by another node (actors/session_relay.cpp): lives on
// the client's node, fed by the owner's session through a relay sink there.
using session_relay_actor = caf::typed_actor<
    // the sink's attach(): the session's info, before the first event
    caf::reacts_to<vl_subscribe_atom, session_info>,
    // the sink's deliver()
    caf::reacts_to<vl_event_atom, stream_event>,
    // the sink's keep_alive()
    caf::reacts_to<vl_keepalive_atom>,
    // the sink's close(why as failure's number, message): the last message
    caf::reacts_to<vl_done_atom, uint8_t, std::string>>;

// The face a registry shows other nodes of the cluster: questions about sessions this node owns.
// Only nodes that passed the cluster gate are answered.
using registry_peer_actor = caf::typed_actor<
    // does this node own the session (live or stored)?
    caf::replies_to<vl_lookup_atom, std::string>::with<bool>,
    // attach a peer's relay to a session this node owns (id, relay, from)
    caf::reacts_to<vl_subscribe_atom, std::string, session_relay_actor, uint64_t>,
    // cancel a session this node owns; its state after the cancel
    caf::replies_to<vl_cancel_atom, std::string>::with<session_info>,
    // state and counts of a session this node owns
    caf::replies_to<vl_info_atom, std::string>::with<session_info>>;

// The session registry (actors/registry.cpp): ids to sessions, creation, reload from the store.
using registry_actor = registry_peer_actor::extend<
    // a new session; the sink gets its events, or 409/503/429 as a failure
    caf::reacts_to<vl_create_atom, session_info, generation_job, sink_ptr>,
    // attach a client to a session (id, sink, from); unknown ids close the sink
    caf::reacts_to<vl_subscribe_atom, std::string, sink_ptr, uint64_t>,
    // a client's connection closed (id, sink)
    caf::reacts_to<vl_unsubscribe_atom, std::string, sink_ptr>,
    // cancel a session; the callback gets its state, or nullopt when unknown
    caf::reacts_to<vl_cancel_atom, std::string, info_callback>,
    // a session's state and counts through the callback
    caf::reacts_to<vl_info_atom, std::string, info_callback>,
    // live sessions, for /metrics
    caf::replies_to<vl_stats_atom>::with<uint64_t>,
    // shutdown: every live session ends `interrupted`; answered once all are stored
    caf::replies_to<vl_interrupt_atom>::with<bool>,
    // a peer node joined (from a peer connector, or from the gate it passed): its worker, and
    // its registry, which answers for the sessions it owns
    caf::reacts_to<vl_peer_atom, model_worker_actor, registry_peer_actor>,
    // from a session: generation ended, its worker is one session less busy
    caf::reacts_to<vl_done_atom, std::string>>;

// Builds media prompts off the reactor (actors/media_prompt_actor.cpp).
using media_prompt_actor_type = caf::typed_actor<
    // build, then hand the session to the registry, or reject the sink with a 400
    caf::reacts_to<vl_build_atom, build_order>>;

// Joins one peer address (actors/peer_connector.cpp).
using peer_connector_actor = caf::typed_actor<
    // its own timer: try (again) to join the peer
    caf::reacts_to<vl_connect_atom>>;

// Who is in the cluster (actors/cluster_membership.cpp): the addresses this node knows, each
// with a connector; a joiner learns them at the gate and connects to the ones it lacks.
using cluster_membership_actor = caf::typed_actor<
    // an address learned (from CLUSTER_PEERS or a gate's answer): connect to it unless known
    caf::reacts_to<vl_connect_atom, std::string>,
    // an address a joiner advertised at this node's gate: known, but the joiner keeps the link
    caf::reacts_to<vl_peer_atom, std::string>,
    // every address known, this node's own advertised one included
    caf::replies_to<vl_lookup_atom>::with<std::vector<std::string>>>;

// What a joining node brings to a gate, and what it gets back (actors/cluster_gate.cpp).
struct gate_hello {
  std::string proof;          // HMAC over the gate's nonce and the joiner's node id
  std::string nonce_for_gate; // the gate must prove the secret too, over this
  std::string fingerprint;    // the joiner's model; a different one is refused
  std::string advertised;     // host:port others reach the joiner's gate at ("" = none)
  model_worker_actor worker;  // the joiner's worker and registry, for the gate's node
  registry_peer_actor registry;
};
struct gate_welcome {
  std::string proof;          // HMAC over nonce_for_gate and the gate's node id
  model_worker_actor worker;
  registry_peer_actor registry;
  std::vector<std::string> members;  // addresses the gate's node knows
};
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, gate_hello& x) {
  return f(caf::meta::type_name("gate_hello"), x.proof, x.nonce_for_gate, x.fingerprint, x.advertised, x.worker,
           x.registry);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, gate_welcome& x) {
  return f(caf::meta::type_name("gate_welcome"), x.proof, x.worker, x.registry, x.members);
}

// The cluster port's gate (actors/cluster_gate.cpp).
using cluster_gate_actor = caf::typed_actor<
    // a fresh nonce for the asking node (one outstanding per node, 30 s)
    caf::replies_to<vl_challenge_atom>::with<std::string>,
    // the joiner's proof for that nonce and what it brings; answers the welcome, or an error
    caf::replies_to<vl_hello_atom, gate_hello>::with<gate_welcome>>;

}  // namespace vlserve::actors

// Callbacks hold closures over HTTP connections: they never leave this process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vlserve::actors::info_callback)
