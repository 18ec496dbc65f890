// The chat reader's typed interface (http/chat_reader.cpp), apart from its payloads so that
// route_context can hold the handle. It is http/'s actor, so its interface lives here rather than
// in actors/protocol.hpp: its messages carry http/ types.
#pragma once

#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

namespace vlserve::http {

struct pending_chat;     // http/chat_reader.hpp
struct off_reactor_job;  // http/chat_reader.hpp

using vl_read_atom = caf::atom_constant<caf::atom("vl_read")>;

using chat_reader_actor = caf::typed_actor<
    // parse, validate, template and tokenise; then the registry or the media prompt actor, or an error reply
    caf::reacts_to<vl_read_atom, pending_chat>,
    // other work that must not run on the reactor (/tokenize, /detokenize); it answers by itself
    caf::reacts_to<vl_read_atom, off_reactor_job>>;

}  // namespace vlserve::http
