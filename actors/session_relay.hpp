// A stream of a session that another node of the cluster owns. The client's node (where the HTTP
// connection is) spawns a relay around the client's sink; the owner's registry subscribes a relay
// sink to its session, which turns every sink call into a message to the relay. So a resume sent
// to any node streams the owner's log, and the owner's LMDB stays the one copy of it.
#pragma once

#include <caf/actor_system.hpp>

#include "actors/event_sink.hpp"
#include "actors/protocol.hpp"

namespace vlserve::actors {

// On the client's node. Feeds `sink` until the owner closes the stream; if `owner` (the owning
// registry) goes away first, the sink is closed with node_lost. Ends when the sink reports its
// client gone, which the owner sees (it monitors the relay) and unsubscribes.
session_relay_actor spawn_session_relay(caf::actor_system& sys, sink_ptr sink, registry_peer_actor owner);

// On the owner's node: a sink whose calls go to `relay` as messages.
sink_ptr make_relay_sink(session_relay_actor relay);

}  // namespace vlserve::actors
