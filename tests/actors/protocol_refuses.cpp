// Compiled when configuring (tests/actors/meson.build), and it must NOT compile: the registry's
// subscribe in the argument order it took before the interfaces were typed, (id, from, sink).
// CAF's send() rejects it: "receiver does not accept given message".
#include <caf/all.hpp>

#include "actors/protocol.hpp"

using namespace vlserve::actors;

void subscribe(const registry_actor& registry, const sink_ptr& sink) {
  caf::anon_send(registry, vl_subscribe_atom::value, std::string("s1"), uint64_t(0), sink);
}
