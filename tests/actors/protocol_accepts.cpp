// Compiled when configuring (tests/actors/meson.build): a message as the registry's interface
// declares it (actors/protocol.hpp) compiles. The control for protocol_refuses.cpp.
#include <caf/all.hpp>

#include "actors/protocol.hpp"

using namespace vlserve::actors;

void subscribe(const registry_actor& registry, const sink_ptr& sink) {
  caf::anon_send(registry, vl_subscribe_atom::value, std::string("s1"), sink, uint64_t(0));
}
