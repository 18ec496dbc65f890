#include "actors/registry.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <algorithm>
#include <deque>
#include <map>
#include <stdexcept>
#include <unordered_map>

#include "actors/atoms.hpp"
#include "actors/cluster_gate.hpp"
#include "actors/prefix_affinity.hpp"
#include "actors/remote_job.hpp"
#include "actors/session.hpp"
#include "actors/session_relay.hpp"
#include "store/session_id.hpp"

namespace vlserve::actors {
namespace {

struct registry_state {
  static inline const char* name = "registry";
  registry_config cfg;
  std::unordered_map<std::string, session_actor> live;
  std::unordered_map<caf::actor_addr, std::string> ids;  // for down messages
  std::vector<model_worker_actor> peers;  // model workers on other nodes of the cluster
  size_t next_worker = 0;         // rotates the tie-break among equally busy workers
  // session id -> its worker and the batch slots it takes (n: each choice is a sequence)
  std::unordered_map<std::string, std::pair<caf::actor_addr, int64_t>> generating;
  std::unordered_map<caf::actor_addr, int64_t> busy;  // worker -> sequences generating
  prefix_affinity affinity;  // long prompts' openings -> the worker whose cache holds them
  // The cluster's other registries: they answer for the sessions their nodes own.
  std::vector<registry_peer_actor> peer_registries;
  // Owners found for ids this node does not hold (a resume sent to the wrong node asks the peers
  // once, then goes straight to the owner); bounded, oldest out first.
  std::unordered_map<std::string, registry_peer_actor> owners;
  std::deque<std::string> owner_order;
  // This node's clients of sessions owned elsewhere: their sink -> the relay feeding it.
  std::map<sink_ptr, session_relay_actor> relays;
  // Peers' clients of sessions owned here: a peer's relay -> the session and the sink feeding it.
  std::unordered_map<caf::actor_addr, std::pair<std::string, sink_ptr>> relay_sinks;
};

constexpr size_t kMaxCachedOwners = 4096;
constexpr size_t kMaxPeerRelays = 4096;  // peers' clients attached to this node's sessions
constexpr auto kOwnerLookupTimeout = std::chrono::seconds(2);

using registry_ptr = registry_actor::stateful_pointer<registry_state>;

// The worker for a new session: for a long prompt the worker that last served its opening tokens
// while it has a free batch slot (its prefix cache holds them), else the one of this node's
// worker and its peers with the fewest sequences generating (ties rotate). Media prompts go too:
// their vision features travel in the job (the tower ran here, in the prompt builder).
std::pair<model_worker_actor, int64_t> pick_worker(registry_ptr self, const generation_job& job) {
  auto& st = self->state;
  const auto load_of = [&](const model_worker_actor& w) {
    const auto it = st.busy.find(w.address());
    return it == st.busy.end() ? int64_t(0) : it->second;
  };
  if (st.peers.empty() || !is_portable(job)) return {st.cfg.worker, load_of(st.cfg.worker)};
  const auto key = job.input ? prefix_affinity::key_of(job.input->prompt_ids) : std::nullopt;
  if (key) {
    if (const auto holder = st.affinity.find(*key)) {
      const bool known = *holder == st.cfg.worker.address() ||
                         std::any_of(st.peers.begin(), st.peers.end(),
                                     [&](const model_worker_actor& p) { return p.address() == *holder; });
      if (known) {
        const auto w = caf::actor_cast<model_worker_actor>(*holder);
        if (w && load_of(w) < st.cfg.max_batch) return {w, load_of(w)};
      }
    }
  }
  const size_t n = st.peers.size() + 1;
  const size_t first = st.next_worker++ % n;
  model_worker_actor best;
  int64_t best_load = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t k = (first + i) % n;
    const model_worker_actor& w = k == 0 ? st.cfg.worker : st.peers[k - 1];
    const int64_t load = load_of(w);
    if (!best || load < best_load) {
      best = w;
      best_load = load;
    }
  }
  if (key) st.affinity.remember(*key, best.address());
  return {best, best_load};
}

// The session stopped generating (finished, failed, cancelled, or died): its worker is one
// session (its n sequences) less busy.
void release(registry_ptr self, const std::string& id) {
  auto& st = self->state;
  auto it = st.generating.find(id);
  if (it == st.generating.end()) return;
  const auto& [worker, slots] = it->second;
  if (auto b = st.busy.find(worker); b != st.busy.end() && (b->second -= slots) <= 0) st.busy.erase(b);
  st.generating.erase(it);
}

// `worker`: the one chosen for a new session; a session reloaded from the store gets this node's
// (it only replays, unless it is still running, which a reload never is).
session_actor start_session(registry_ptr self, const session_info& info, model_worker_actor worker = {}) {
  auto& st = self->state;
  session_config sc;
  sc.info = info;
  sc.worker = is_terminal(info.state) ? model_worker_actor{} : (worker ? worker : st.cfg.worker);
  sc.registry = self->address();
  sc.persister = st.cfg.persister;
  sc.watchdog = st.cfg.watchdog;
  sc.ring_capacity = st.cfg.ring_capacity;
  sc.linger = st.cfg.linger;
  sc.store_timeout = st.cfg.store_timeout;
  auto session = spawn_session(self->system(), sc);
  // Linked so that stopping the registry at shutdown stops every session with it.
  self->link_to(session);
  self->monitor(session);
  st.live[info.id] = session;
  st.ids[session.address()] = info.id;
  return session;
}

// A request to another actor that failed: timed out, or anything else (the actor went away).
failure failure_of(const caf::error& err) {
  return err == caf::sec::request_timeout ? failure::timed_out : failure::internal;
}

// Finds a live session or reloads a stored one, then calls `then` with it, or with null and why
// (unknown_session; timed_out when the store did not answer, so "unknown" would be a guess).
void with_session(registry_ptr self, const std::string& id, std::function<void(session_actor, failure)> then) {
  auto& st = self->state;
  if (auto it = st.live.find(id); it != st.live.end()) return then(it->second, failure::none);
  if (!st.cfg.persister) return then(session_actor{}, failure::unknown_session);
  self->request(st.cfg.persister, st.cfg.store_timeout, vl_load_atom::value, id)
      .then(
          [=](const session_info& info) {
            auto& s = self->state;
            if (auto it = s.live.find(id); it != s.live.end()) return then(it->second, failure::none);
            then(start_session(self, info), failure::none);
          },
          [=](const caf::error& err) {
            then(session_actor{}, err == caf::sec::request_timeout ? failure::timed_out : failure::unknown_session);
          });
}

// What a client is told about an id that found no session.
std::string no_session_message(failure why, const std::string& id) {
  if (why == failure::timed_out) return "the session store did not answer in time; retry";
  return "unknown session '" + store::client_session_id(id) + "'";
}

// A message that only this process may send (sessions, connectors, the gate, shutdown). A peer
// holds this registry's handle, and a typed handle limits only what its code compiles.
bool from_this_node(registry_ptr self) {
  const auto& sender = self->current_sender();
  return sender && sender->node() == self->node();
}

// A question from another node: only from one that passed the cluster gate.
bool from_member(registry_ptr self) {
  const auto& sender = self->current_sender();
  if (!sender) return false;
  return sender->node() == self->node() || (self->state.cfg.members && self->state.cfg.members->contains(sender->node()));
}

void remember_owner(registry_ptr self, const std::string& id, const registry_peer_actor& owner) {
  auto& st = self->state;
  if (st.owners.emplace(id, owner).second) st.owner_order.push_back(id);
  while (st.owner_order.size() > kMaxCachedOwners) {
    st.owners.erase(st.owner_order.front());
    st.owner_order.pop_front();
  }
}

// The peer registry whose node owns `id`, or null. A cached owner first; else every peer is asked
// at once and the first yes wins. Only for ids this node neither holds nor stores.
void find_owner(registry_ptr self, const std::string& id, std::function<void(registry_peer_actor)> found) {
  auto& st = self->state;
  if (auto it = st.owners.find(id); it != st.owners.end()) return found(it->second);
  if (st.peer_registries.empty()) return found(registry_peer_actor{});
  auto left = std::make_shared<size_t>(st.peer_registries.size());
  auto answered = std::make_shared<bool>(false);
  for (const auto& peer : st.peer_registries)
    self->request(peer, kOwnerLookupTimeout, vl_lookup_atom::value, id)
        .then(
            [=](bool owns) {
              --*left;
              if (*answered) return;
              if (owns) {
                *answered = true;
                remember_owner(self, id, peer);
                return found(peer);
              }
              if (*left == 0) found(registry_peer_actor{});
            },
            [=](const caf::error&) {
              if (--*left == 0 && !*answered) found(registry_peer_actor{});
            });
}

void count_peers(registry_ptr self) {
  if (self->state.cfg.metrics) self->state.cfg.metrics->cluster_peers = int64_t(self->state.peers.size());
}

// A cluster actor went down: a peer's worker or registry, or a relay on either side.
bool forget_cluster_actor(registry_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  if (auto r = st.relay_sinks.find(dm.source); r != st.relay_sinks.end()) {
    // A peer's client left (or its node did): the session stops feeding that relay.
    if (auto it = st.live.find(r->second.first); it != st.live.end())
      self->send(it->second, vl_unsubscribe_atom::value, r->second.second);
    st.relay_sinks.erase(r);
    return true;
  }
  for (auto it = st.relays.begin(); it != st.relays.end(); ++it)
    if (it->second.address() == dm.source) {
      st.relays.erase(it);
      return true;
    }
  const auto registries = std::remove_if(st.peer_registries.begin(), st.peer_registries.end(),
                                         [&](const registry_peer_actor& p) { return p.address() == dm.source; });
  if (registries != st.peer_registries.end()) {
    st.peer_registries.erase(registries, st.peer_registries.end());
    for (auto it = st.owners.begin(); it != st.owners.end();)
      it = it->second.address() == dm.source ? st.owners.erase(it) : std::next(it);
    st.owner_order.erase(std::remove_if(st.owner_order.begin(), st.owner_order.end(),
                                        [&](const std::string& id) { return st.owners.count(id) == 0; }),
                         st.owner_order.end());
    return true;
  }
  return false;
}

// A session's info, or its state after a client's cancel.
auto ask_session(registry_ptr self, const session_actor& session, bool cancel) {
  const auto timeout = self->state.cfg.store_timeout;
  return cancel ? self->request(session, timeout, vl_cancel_atom::value, std::string("client"))
                : self->request(session, timeout, vl_info_atom::value);
}

// Asks the session `id` (live, stored, or owned by a peer) for its info, or cancels it.
void info_or_cancel(registry_ptr self, const std::string& id, bool cancel, const info_callback& cb) {
  with_session(self, id, [=](session_actor session, failure why) {
    if (session)
      return ask_session(self, session, cancel)
          .then([=](const session_info& info) { cb(info, failure::none); },
                [=](const caf::error& err) { cb(std::nullopt, failure_of(err)); });
    if (why != failure::unknown_session) return cb(std::nullopt, why);
    find_owner(self, id, [=](registry_peer_actor owner) {
      if (!owner) return cb(std::nullopt, failure::unknown_session);
      const auto timeout = self->state.cfg.store_timeout;
      auto req = cancel ? self->request(owner, timeout, vl_cancel_atom::value, id)
                        : self->request(owner, timeout, vl_info_atom::value, id);
      // The owner forgot it since (expired), or went away: unknown, unless it was only slow.
      req.then([=](const session_info& info) { cb(info, failure::none); },
               [=](const caf::error& err) {
                 cb(std::nullopt, err == caf::sec::request_timeout ? failure::timed_out : failure::unknown_session);
               });
    });
  });
}

// For a peer: this node's session `id`, its info or its state after a cancel.
caf::result<session_info> answer_peer(registry_ptr self, const std::string& id, bool cancel) {
  if (!from_member(self)) return caf::make_error(caf::sec::request_receiver_down);
  auto rp = self->make_response_promise<session_info>();
  with_session(self, id, [=](session_actor session, failure) mutable {
    if (!session) {
      rp.deliver(caf::make_error(caf::sec::runtime_error, "unknown session"));
      return;
    }
    ask_session(self, session, cancel)
        .then([rp](const session_info& info) mutable { rp.deliver(info); },
              [rp](const caf::error& err) mutable { rp.deliver(err); });
  });
  return rp;
}

// A new session for an id nobody has: on the least busy worker, or 429 when every one is full.
void create_session(registry_ptr self, const session_info& info, generation_job job, const sink_ptr& sink) {
  const auto [worker, load] = pick_worker(self, job);
  const auto& cfg = self->state.cfg;
  if (load >= cfg.max_batch + cfg.max_queued) {
    sink->close(failure::queue_full, std::to_string(load) + " requests are running or waiting (MAX_BATCH=" +
                         std::to_string(cfg.max_batch) + ", MAX_QUEUED=" + std::to_string(cfg.max_queued) +
                         "); retry later");
    return;
  }
  const int64_t slots = std::max<int64_t>(1, info.choices);
  self->state.generating[info.id] = {worker.address(), slots};
  self->state.busy[worker.address()] += slots;
  auto session = start_session(self, info, worker);
  self->send(session, vl_subscribe_atom::value, sink, uint64_t(0));
  self->send(session, vl_admit_atom::value, std::move(job));
}

registry_actor::behavior_type registry_behavior(registry_ptr self, registry_config cfg) {
  self->state.cfg = std::move(cfg);
  // A session that fails must not take the registry (and every other session) with it.
  // Only sessions are linked to the registry, and CAF may deliver a session's down_msg (which
  // forgets its address) before its exit_msg, so any exit from another actor is a session's. The
  // runtime's shutdown exit (anon_send_exit) names the registry itself as its source: it used to
  // be ignored here, so finished sessions lingered on their timers and kept the worker alive,
  // and every SIGTERM after a stream waited for the exit timer.
  self->set_exit_handler([=](const caf::exit_msg& msg) {
    if (msg.source && msg.source != self->address()) return;  // a session ended; see the down handler
    self->quit(msg.reason);
  });
  self->set_down_handler([=](const caf::down_msg& dm) {
    auto& st = self->state;
    if (auto it = st.ids.find(dm.source); it != st.ids.end()) {
      release(self, it->second);
      st.live.erase(it->second);
      st.ids.erase(it);
      return;
    }
    if (forget_cluster_actor(self, dm)) return;
    const auto gone = std::remove_if(st.peers.begin(), st.peers.end(),
                                     [&](const model_worker_actor& p) { return p.address() == dm.source; });
    if (gone != st.peers.end()) {
      st.peers.erase(gone, st.peers.end());
      st.affinity.forget_worker(dm.source);
      st.busy.erase(dm.source);  // its sessions end with an error event and release nothing
      count_peers(self);
      spdlog::warn("cluster: a peer worker went away ({} left)", st.peers.size());
    }
  });
  return {
      [=](vl_peer_atom, const model_worker_actor& peer, const registry_peer_actor& peer_registry) {
        // A peer node: joined through its gate by this node's connector, or through this node's
        // gate by its own. Both may report the same node; dropped again when it goes down.
        auto& st = self->state;
        if (!from_this_node(self) || !peer || peer.node() == self->node()) return;
        if (peer_registry && std::find(st.peer_registries.begin(), st.peer_registries.end(), peer_registry) ==
                                 st.peer_registries.end()) {
          self->monitor(peer_registry);
          st.peer_registries.push_back(peer_registry);
        }
        if (std::find(st.peers.begin(), st.peers.end(), peer) != st.peers.end()) return;
        self->monitor(peer);
        st.peers.push_back(peer);
        count_peers(self);
        spdlog::info("cluster: peer worker joined ({} now)", st.peers.size());
      },
      [=](vl_done_atom, const std::string& id) {
        if (from_this_node(self)) release(self, id);
      },
      [=](vl_create_atom, const session_info& info, generation_job& job, const sink_ptr& sink) {
        auto& st = self->state;
        if (st.live.size() >= st.cfg.max_live_sessions) {
          sink->close(failure::too_many_sessions, "too many sessions in memory; retry later");
          return;
        }
        const auto exists = [=] {
          // Messages name the id the client sent, without its key's owner tag.
          sink->close(failure::session_exists, "session '" + store::client_session_id(info.id) +
                               "' already exists; resume it with Last-Event-ID");
        };
        with_session(self, info.id, [=](session_actor existing, failure why) mutable {
          if (why == failure::timed_out) return sink->close(why, no_session_message(why, info.id));
          if (existing) return exists();
          // A client-chosen id may name a session on another node: one question to the peers.
          if (job.id_from_client && !self->state.peer_registries.empty())
            return find_owner(self, info.id, [=](registry_peer_actor owner) mutable {
              if (owner) return exists();
              create_session(self, info, std::move(job), sink);
            });
          create_session(self, info, std::move(job), sink);
        });
      },
      [=](vl_subscribe_atom, const std::string& id, const sink_ptr& sink, uint64_t from) {
        with_session(self, id, [=](session_actor session, failure why) {
          if (session) return self->send(session, vl_subscribe_atom::value, sink, from);
          if (why != failure::unknown_session) return sink->close(why, no_session_message(why, id));
          // Not this node's: its owner may be a peer, whose events a relay carries here.
          find_owner(self, id, [=](registry_peer_actor owner) {
            if (!owner) return sink->close(failure::unknown_session, no_session_message(failure::unknown_session, id));
            auto relay = spawn_session_relay(self->system(), sink, owner);
            self->monitor(relay);
            // Linked: stopping the registry at shutdown stops the relays too (the system waits for
            // every actor, and a relay otherwise lives as long as its owner node).
            self->link_to(relay);
            self->state.relays[sink] = relay;
            self->send(owner, vl_subscribe_atom::value, id, relay, from);
          });
        });
      },
      [=](vl_unsubscribe_atom, const std::string& id, const sink_ptr& sink) {
        // Only a live session can hold the sink; never reload one from the store for this.
        if (auto it = self->state.live.find(id); it != self->state.live.end())
          self->send(it->second, vl_unsubscribe_atom::value, sink);
        // A relay from a peer's session: ending it tells the owner, which monitors it.
        if (auto r = self->state.relays.find(sink); r != self->state.relays.end()) {
          self->send_exit(r->second, caf::exit_reason::user_shutdown);
          self->state.relays.erase(r);
        }
      },
      [=](vl_cancel_atom, const std::string& id, const info_callback& cb) { info_or_cancel(self, id, true, cb); },
      [=](vl_info_atom, const std::string& id, const info_callback& cb) { info_or_cancel(self, id, false, cb); },
      // From peers' registries: questions about sessions this node owns.
      [=](vl_lookup_atom, const std::string& id) -> caf::result<bool> {
        if (!from_member(self)) return false;
        auto rp = self->make_response_promise<bool>();
        with_session(self, id, [rp](session_actor session, failure) mutable { rp.deliver(bool(session)); });
        return rp;
      },
      [=](vl_subscribe_atom, const std::string& id, const session_relay_actor& relay, uint64_t from) {
        if (!from_member(self) || !relay || self->state.relay_sinks.size() >= kMaxPeerRelays) {
          if (relay) self->send(relay, vl_done_atom::value, uint8_t(failure::too_many_sessions), std::string("too many relayed streams"));
          return;
        }
        with_session(self, id, [=](session_actor session, failure why) {
          if (!session) return self->send(relay, vl_done_atom::value, uint8_t(why), no_session_message(why, id));
          auto sink = make_relay_sink(relay);
          self->monitor(relay);
          self->state.relay_sinks[relay.address()] = {id, sink};
          self->send(session, vl_subscribe_atom::value, sink, from);
        });
      },
      [=](vl_cancel_atom, const std::string& id) { return answer_peer(self, id, true); },
      [=](vl_info_atom, const std::string& id) { return answer_peer(self, id, false); },
      [=](vl_stats_atom) { return uint64_t(self->state.live.size()); },
      [=](vl_interrupt_atom) -> caf::result<bool> {
        // Shutdown: every live session ends `interrupted`; the answer comes once all have stored it.
        if (!from_this_node(self)) return false;
        auto& st = self->state;
        if (st.live.empty()) return true;
        auto rp = self->make_response_promise<bool>();
        auto left = std::make_shared<size_t>(st.live.size());
        for (const auto& [id, session] : st.live)
          self->request(session, st.cfg.store_timeout, vl_interrupt_atom::value)
              .then([rp, left](bool) mutable { if (--*left == 0) rp.deliver(true); },
                    [rp, left](const caf::error&) mutable { if (--*left == 0) rp.deliver(true); });
        return rp;
      },
  };
}

}  // namespace

void registry_config::validate() const {
  if (!worker) throw std::invalid_argument("registry needs a model worker");
  if (ring_capacity == 0) throw std::invalid_argument("ring_capacity must be > 0");
  if (max_live_sessions == 0) throw std::invalid_argument("max_live_sessions must be > 0");
}

registry_actor spawn_registry(caf::actor_system& sys, registry_config cfg) {
  cfg.validate();
  return sys.spawn(registry_behavior, std::move(cfg));
}

}  // namespace vlserve::actors
