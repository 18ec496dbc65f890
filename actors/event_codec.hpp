// Stream events and session flags in their stored form: a format tag, then CAF's binary form of
// the struct (inspect()). ARCHITECTURE.md "Stored events" documents every format; older ones are
// read and upgraded, never written.
#pragma once

#include <caf/fwd.hpp>

#include <string>

#include "actors/messages.hpp"

namespace vlserve::actors {

std::string encode_event(caf::actor_system& sys, const stream_event& ev);
// Throws std::runtime_error for bytes that are not an encoded event.
stream_event decode_event(caf::actor_system& sys, const std::string& bytes);

// The flags of a session that are not in the store's own metadata, as the store's opaque
// request text ("v2;include_usage=1;logprobs=0;n=3"; format 1 "v1 usage=1 logprobs=0" and v2
// records without n (one choice) are read too).
std::string encode_session_flags(const session_info& info);
void decode_session_flags(const std::string& text, session_info& info);

}  // namespace vlserve::actors
