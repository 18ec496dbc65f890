#include "actors/registry.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <algorithm>
#include <stdexcept>
#include <unordered_map>

#include "actors/atoms.hpp"
#include "actors/prefix_affinity.hpp"
#include "actors/remote_job.hpp"
#include "actors/session.hpp"
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
};

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
    const auto gone = std::remove_if(st.peers.begin(), st.peers.end(),
                                     [&](const model_worker_actor& p) { return p.address() == dm.source; });
    if (gone != st.peers.end()) {
      st.peers.erase(gone, st.peers.end());
      st.affinity.forget_worker(dm.source);
      st.busy.erase(dm.source);  // its sessions end with an error event and release nothing
      spdlog::warn("cluster: a peer worker went away ({} left)", st.peers.size());
    }
  });
  return {
      [=](vl_peer_atom, const model_worker_actor& peer) {
        // A peer node's worker, connected by the peer connector; dropped again when it goes down.
        auto& st = self->state;
        if (!peer || std::find(st.peers.begin(), st.peers.end(), peer) != st.peers.end()) return;
        self->monitor(peer);
        st.peers.push_back(peer);
        spdlog::info("cluster: peer worker joined ({} now)", st.peers.size());
      },
      [=](vl_done_atom, const std::string& id) { release(self, id); },
      [=](vl_create_atom, const session_info& info, generation_job& job, const sink_ptr& sink) {
        auto& st = self->state;
        if (st.live.size() >= st.cfg.max_live_sessions) {
          sink->close(failure::too_many_sessions, "too many sessions in memory; retry later");
          return;
        }
        with_session(self, info.id, [=](session_actor existing, failure why) mutable {
          if (why == failure::timed_out) return sink->close(why, no_session_message(why, info.id));
          if (existing) {
            // Messages name the id the client sent, without its key's owner tag.
            sink->close(failure::session_exists, "session '" + store::client_session_id(info.id) +
                                 "' already exists; resume it with Last-Event-ID");
            return;
          }
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
        });
      },
      [=](vl_subscribe_atom, const std::string& id, const sink_ptr& sink, uint64_t from) {
        with_session(self, id, [=](session_actor session, failure why) {
          if (!session) return sink->close(why, no_session_message(why, id));
          self->send(session, vl_subscribe_atom::value, sink, from);
        });
      },
      [=](vl_unsubscribe_atom, const std::string& id, const sink_ptr& sink) {
        // Only a live session can hold the sink; never reload one from the store for this.
        if (auto it = self->state.live.find(id); it != self->state.live.end())
          self->send(it->second, vl_unsubscribe_atom::value, sink);
      },
      [=](vl_cancel_atom, const std::string& id, const info_callback& cb) {
        with_session(self, id, [=](session_actor session, failure why) {
          if (!session) return cb(std::nullopt, why);
          self->request(session, self->state.cfg.store_timeout, vl_cancel_atom::value, std::string("client"))
              .then([=](const session_info& info) { cb(info, failure::none); },
                    [=](const caf::error& err) { cb(std::nullopt, failure_of(err)); });
        });
      },
      [=](vl_info_atom, const std::string& id, const info_callback& cb) {
        with_session(self, id, [=](session_actor session, failure why) {
          if (!session) return cb(std::nullopt, why);
          self->request(session, self->state.cfg.store_timeout, vl_info_atom::value)
              .then([=](const session_info& info) { cb(info, failure::none); },
                    [=](const caf::error& err) { cb(std::nullopt, failure_of(err)); });
        });
      },
      [=](vl_stats_atom) { return uint64_t(self->state.live.size()); },
      [=](vl_interrupt_atom) -> caf::result<bool> {
        // Shutdown: every live session ends `interrupted`; the answer comes once all have stored it.
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
