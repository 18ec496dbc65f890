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

// The session registry (actors/registry.cpp): ids to sessions, creation, reload from the store.
using registry_actor = caf::typed_actor<
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
    // a peer node's model worker joined (from its peer connector)
    caf::reacts_to<vl_peer_atom, model_worker_actor>,
    // from a session: generation ended, its worker is one session less busy
    caf::reacts_to<vl_done_atom, std::string>>;

// Builds media prompts off the reactor (actors/media_prompt_actor.cpp).
using media_prompt_actor_type = caf::typed_actor<
    // build, then hand the session to the registry, or reject the sink with a 400
    caf::reacts_to<vl_build_atom, build_order>>;

// The cluster port's gate (actors/cluster_gate.cpp).
using cluster_gate_actor = caf::typed_actor<
    // a fresh nonce for the asking node (one outstanding per node, 30 s)
    caf::replies_to<vl_challenge_atom>::with<std::string>,
    // the proof for that nonce; answers this node's worker, or an error
    caf::replies_to<vl_hello_atom, std::string>::with<model_worker_actor>>;

// Joins one CLUSTER_PEERS entry (actors/peer_connector.cpp).
using peer_connector_actor = caf::typed_actor<
    // its own timer: try (again) to join the peer
    caf::reacts_to<vl_connect_atom>>;

}  // namespace vlserve::actors

// Callbacks hold closures over HTTP connections: they never leave this process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vlserve::actors::info_callback)
