#include "actors/session_relay.hpp"

#include <caf/all.hpp>

#include "actors/atoms.hpp"

namespace vlserve::actors {
namespace {

struct relay_state {
  static inline const char* name = "session_relay";
  sink_ptr sink;
  bool closed = false;
};

using relay_ptr = session_relay_actor::stateful_pointer<relay_state>;

void close_sink(relay_ptr self, failure why, const std::string& message) {
  auto& st = self->state;
  if (!st.closed) st.sink->close(why, message);
  st.closed = true;
  self->quit();
}

session_relay_actor::behavior_type relay_behavior(relay_ptr self, sink_ptr sink, registry_peer_actor owner) {
  self->state.sink = std::move(sink);
  self->monitor(owner);
  self->set_down_handler([=](const caf::down_msg&) {
    close_sink(self, failure::node_lost, "the cluster node that owns this session went away");
  });
  // Shut down from this node (the client left, or the server stops): nothing more to send.
  self->set_exit_handler([=](const caf::exit_msg& msg) {
    self->state.closed = true;
    self->quit(msg.reason);
  });
  return {
      [=](vl_subscribe_atom, const session_info& info) { self->state.sink->attach(info); },
      [=](vl_event_atom, const stream_event& ev) {
        if (!self->state.sink->deliver(ev)) {
          self->state.closed = true;  // the client is gone; the owner sees this relay go down
          self->quit();
        }
      },
      [=](vl_keepalive_atom) { self->state.sink->keep_alive(); },
      [=](vl_done_atom, uint8_t why, const std::string& message) { close_sink(self, failure(why), message); },
  };
}

// Every call becomes one message; delivery order is CAF's per-sender order, which the session
// (one sender) keeps.
class relay_sink final : public event_sink {
 public:
  explicit relay_sink(session_relay_actor relay) : relay_(std::move(relay)) {}
  void attach(const session_info& info) override { caf::anon_send(relay_, vl_subscribe_atom::value, info); }
  bool deliver(const stream_event& ev) override {
    caf::anon_send(relay_, vl_event_atom::value, ev);
    return true;  // a relay that left is noticed by the owner's monitor, which drops this sink
  }
  void close(failure why, const std::string& message) override {
    caf::anon_send(relay_, vl_done_atom::value, uint8_t(why), message);
  }
  void keep_alive() override { caf::anon_send(relay_, vl_keepalive_atom::value); }

 private:
  session_relay_actor relay_;
};

}  // namespace

session_relay_actor spawn_session_relay(caf::actor_system& sys, sink_ptr sink, registry_peer_actor owner) {
  return sys.spawn(relay_behavior, std::move(sink), std::move(owner));
}

sink_ptr make_relay_sink(session_relay_actor relay) { return std::make_shared<relay_sink>(std::move(relay)); }

}  // namespace vlserve::actors
