// Message tags. Prefixed names: CAF 0.17 already defines many plain ones (stack-notes §3).
#pragma once

#include <caf/atom.hpp>

namespace vlserve::actors {

using vl_cancel_atom = caf::atom_constant<caf::atom("vl_cancel")>;
using vl_clients_atom = caf::atom_constant<caf::atom("vl_client")>;
using vl_forget_atom = caf::atom_constant<caf::atom("vl_forget")>;
using vl_expire_atom = caf::atom_constant<caf::atom("vl_expire")>;
using vl_subscribe_atom = caf::atom_constant<caf::atom("vl_sub")>;
using vl_unsubscribe_atom = caf::atom_constant<caf::atom("vl_unsub")>;
using vl_event_atom = caf::atom_constant<caf::atom("vl_event")>;
using vl_info_atom = caf::atom_constant<caf::atom("vl_info")>;
using vl_admit_atom = caf::atom_constant<caf::atom("vl_admit")>;
using vl_step_atom = caf::atom_constant<caf::atom("vl_step")>;
using vl_persist_atom = caf::atom_constant<caf::atom("vl_persist")>;
using vl_flush_atom = caf::atom_constant<caf::atom("vl_flush")>;
using vl_load_atom = caf::atom_constant<caf::atom("vl_load")>;
using vl_lookup_atom = caf::atom_constant<caf::atom("vl_lookup")>;
using vl_create_atom = caf::atom_constant<caf::atom("vl_create")>;
using vl_build_atom = caf::atom_constant<caf::atom("vl_build")>;
using vl_stats_atom = caf::atom_constant<caf::atom("vl_stats")>;
using vl_peer_atom = caf::atom_constant<caf::atom("vl_peer")>;
using vl_connect_atom = caf::atom_constant<caf::atom("vl_connect")>;
using vl_fingerprint_atom = caf::atom_constant<caf::atom("vl_fprint")>;
using vl_done_atom = caf::atom_constant<caf::atom("vl_done")>;
using vl_queued_atom = caf::atom_constant<caf::atom("vl_queued")>;
using vl_keepalive_atom = caf::atom_constant<caf::atom("vl_alive")>;
using vl_interrupt_atom = caf::atom_constant<caf::atom("vl_intr")>;
using vl_challenge_atom = caf::atom_constant<caf::atom("vl_chall")>;
using vl_hello_atom = caf::atom_constant<caf::atom("vl_hello")>;

}  // namespace vlserve::actors
