#include "actors/session.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <deque>
#include <algorithm>
#include <map>
#include <stdexcept>

#include "actors/atoms.hpp"
#include "actors/event_sink.hpp"
#include "actors/remote_job.hpp"

namespace vlserve::actors {
namespace {

struct subscriber {
  sink_ptr sink;
  uint64_t next = 0;     // index of the next event this client needs
  bool loading = false;  // waiting for older events from the persister
};

struct session_state_data {
  static inline const char* name = "session";
  session_config cfg;
  std::deque<stream_event> ring;  // events [ring_start, info.event_count)
  uint64_t ring_start = 0;
  // Events [0, durable) are committed by the persister. Clients only ever see durable events, so
  // whatever a client saw survives a crash (without a persister every event counts as durable).
  uint64_t durable = 0;
  bool log_complete = false;  // the final event is in the log
  std::map<uint64_t, subscriber> subs;
  uint64_t next_sub_id = 0;
  int32_t reported_clients = -1;
  uint64_t linger_epoch = 0;
  bool admitted = false;  // the worker has the job (admission waits for the stored metadata)
  bool keeping_alive = false;    // the keep-alive tick is armed
  uint64_t events_at_tick = 0;   // event_count at the last tick: no new event since = send one
  // n > 1: the choices' events interleave in the one log; the session ends with the last choice.
  std::vector<bool> choice_started, choice_ended;
  int32_t choices_open = 1;
  usage_counts usage;          // summed over the choices that ended (add_choice_usage)
  finish ending = finish::none;  // the finish that decides the session's terminal state
};

using session_ptr = session_actor::stateful_pointer<session_state_data>;

session_info& info(session_ptr self) { return self->state.cfg.info; }

void report_clients(session_ptr self) {
  auto& st = self->state;
  const auto n = int32_t(st.subs.size());
  info(self).attached_clients = n;
  if (!st.cfg.watchdog || is_terminal(info(self).state) || n == st.reported_clients) return;
  st.reported_clients = n;
  self->send(st.cfg.watchdog, vl_clients_atom::value, info(self).id, caf::actor_cast<session_actor>(self), n);
}

// A finished session with nobody attached leaves memory after the linger time; its events stay in
// the store and a later lookup reloads it from there.
void arm_linger(session_ptr self) {
  auto& st = self->state;
  if (!is_terminal(info(self).state) || !st.subs.empty()) return;
  self->delayed_send(self, st.cfg.linger, vl_expire_atom::value, ++st.linger_epoch);
}

void drop(session_ptr self, uint64_t sub_id) {
  self->state.subs.erase(sub_id);
  report_clients(self);
  arm_linger(self);
}

void pump(session_ptr self, uint64_t sub_id);

// Older events than the ring holds come from the persister, in bounded pages.
void load_older(session_ptr self, uint64_t sub_id) {
  auto& st = self->state;
  auto& sub = st.subs.at(sub_id);
  if (!st.cfg.persister) {
    sub.sink->close(failure::events_expired, "events before index " + std::to_string(st.ring_start) + " are no longer available");
    drop(self, sub_id);
    return;
  }
  sub.loading = true;
  const auto from = sub.next;
  const auto count = uint32_t(std::min<uint64_t>(256, st.ring_start - from));
  self->request(st.cfg.persister, st.cfg.store_timeout, vl_load_atom::value, info(self).id, from, count)
      .then(
          [=](const std::vector<stream_event>& events) {
            auto it = self->state.subs.find(sub_id);
            if (it == self->state.subs.end()) return;
            it->second.loading = false;
            for (const auto& ev : events) {
              if (ev.index != it->second.next) continue;
              if (!it->second.sink->deliver(ev)) return drop(self, sub_id);
              ++it->second.next;
            }
            if (events.empty()) {
              it->second.sink->close(failure::store_failed, "the session store has no event " + std::to_string(from));
              return drop(self, sub_id);
            }
            pump(self, sub_id);
          },
          [=](const caf::error& err) {
            auto it = self->state.subs.find(sub_id);
            if (it == self->state.subs.end()) return;
            spdlog::error("session {}: loading events failed: {}", info(self).id, self->system().render(err));
            it->second.sink->close(failure::store_failed, "could not read stored events");
            drop(self, sub_id);
          });
}

// Delivers everything this subscriber has not seen yet; closes it after the final event.
void pump(session_ptr self, uint64_t sub_id) {
  auto& st = self->state;
  auto it = st.subs.find(sub_id);
  if (it == st.subs.end() || it->second.loading) return;
  auto& sub = it->second;
  while (sub.next < st.durable) {
    if (sub.next < st.ring_start) return load_older(self, sub_id);
    if (!sub.sink->deliver(st.ring[sub.next - st.ring_start])) return drop(self, sub_id);
    ++sub.next;
  }
  // `>=`: a client resuming after the final event (or from an index past it) is done, not waiting.
  if (st.log_complete && sub.next >= info(self).event_count) {
    sub.sink->close(failure::none, "");
    drop(self, sub_id);
  }
}

void pump_all(session_ptr self) {
  std::vector<uint64_t> ids;
  for (const auto& [id, sub] : self->state.subs) ids.push_back(id);
  for (auto id : ids) pump(self, id);
}

void append(session_ptr self, stream_event ev) {
  auto& st = self->state;
  ev.index = info(self).event_count++;
  if (st.cfg.persister) {
    // The persister answers in order; a failed write still acknowledges (the stream goes on).
    self->request(st.cfg.persister, st.cfg.store_timeout, vl_persist_atom::value, info(self).id, ev)
        .then(
            [=](uint64_t index) {
              self->state.durable = std::max(self->state.durable, index + 1);
              pump_all(self);
            },
            [=](const caf::error& err) {
              spdlog::error("session {}: persisting failed: {}", info(self).id, self->system().render(err));
              self->state.durable = info(self).event_count;
              pump_all(self);
            });
  } else {
    st.durable = ev.index + 1;
  }
  st.ring.push_back(std::move(ev));
  while (st.ring.size() > st.cfg.ring_capacity) {
    st.ring.pop_front();
    ++st.ring_start;
  }
}

// Of two choices' endings, the one that names the session's state: an error over a cancel over
// an interruption over a normal finish.
int ending_rank(finish f) {
  switch (f) {
    case finish::error: return 3;
    case finish::cancelled: return 2;
    case finish::interrupted: return 1;
    default: return 0;
  }
}

// Takes one delta from the worker into the log. The one with a finish_reason ends its choice; the
// last choice's end (or any error) ends the session.
void on_worker_event(session_ptr self, stream_event ev) {
  auto& st = self->state;
  if (is_terminal(info(self).state)) return;
  if (info(self).state == session_state::queued) info(self).state = session_state::running;
  if (ev.choice < 0 || size_t(ev.choice) >= st.choice_started.size()) ev.choice = 0;
  const auto c = size_t(ev.choice);
  const bool failed = ev.error != failure::none;
  if (st.choice_ended[c] && !failed) return;  // nothing follows a choice's end
  if (!st.choice_started[c] && !failed) ev.role = "assistant";
  st.choice_started[c] = true;
  const bool ends = ev.finish_reason != finish::none;
  if (!ends) {
    append(self, std::move(ev));
    return pump_all(self);
  }
  if (!st.choice_ended[c]) {
    st.choice_ended[c] = true;
    --st.choices_open;
    add_choice_usage(st.usage, ev.usage);
  }
  if (ending_rank(ev.finish_reason) >= ending_rank(st.ending)) st.ending = ev.finish_reason;
  if (st.choices_open > 0 && !failed) {
    append(self, std::move(ev));
    return pump_all(self);
  }
  // An error ends every choice: the worker drops those still running.
  if (st.choices_open > 0 && st.cfg.worker && st.admitted)
    self->send(st.cfg.worker, vl_cancel_atom::value, info(self).id);
  info(self).state = terminal_state_for(st.ending);
  // First, so the registry counts this worker free before the client sees the end.
  if (auto registry = caf::actor_cast<registry_actor>(st.cfg.registry))
    self->send(registry, vl_done_atom::value, info(self).id);
  const auto usage = st.usage;
  ev.final = !info(self).include_usage || ev.error != failure::none;
  append(self, std::move(ev));
  if (info(self).include_usage && st.ring.back().error == failure::none) {
    stream_event u;
    u.usage_only = true;
    u.usage = usage;
    u.final = true;
    append(self, std::move(u));
  }
  st.log_complete = true;
  if (st.cfg.persister) {
    // anon_send: the persister answers metadata writes, and this session waits for no answer here.
    caf::anon_send(st.cfg.persister, vl_persist_atom::value, info(self));
    self->send(st.cfg.persister, vl_flush_atom::value);
  }
  if (st.cfg.watchdog) self->send(st.cfg.watchdog, vl_forget_atom::value, info(self).id);
  spdlog::info("session {}: {} after {} events", info(self).id, state_name(info(self).state), info(self).event_count);
  pump_all(self);
  arm_linger(self);
}

// Ends every choice still open with `reason` (one event each; the last ends the session).
void end_open_choices(session_ptr self, finish reason) {
  auto& st = self->state;
  for (size_t c = 0; c < st.choice_ended.size() && !is_terminal(info(self).state); ++c) {
    if (st.choice_ended[c]) continue;
    stream_event ev;
    ev.choice = int32_t(c);
    ev.finish_reason = reason;
    on_worker_event(self, std::move(ev));
  }
}

// Clients of a session that is accepted but quiet (queued, or reading a long prompt) get an SSE
// comment every keepalive interval, so they and proxies in between do not give up on it.
void keep_clients_alive(session_ptr self) {
  for (auto& [id, sub] : self->state.subs) sub.sink->keep_alive();
}

void on_keepalive_tick(session_ptr self) {
  auto& st = self->state;
  if (is_terminal(info(self).state)) {
    st.keeping_alive = false;
    return;
  }
  if (info(self).event_count == st.events_at_tick) keep_clients_alive(self);
  st.events_at_tick = info(self).event_count;
  self->delayed_send(self, st.cfg.keepalive, vl_keepalive_atom::value);
}

// Hands the job to the worker (on another node in its serialisable form).
void admit(session_ptr self, generation_job job) {
  auto& s = self->state;
  if (is_terminal(info(self).state)) return;  // cancelled while its metadata was being stored
  s.admitted = true;
  const auto me = caf::actor_cast<session_actor>(self);
  // Losing the worker (it failed, or its node went away) ends the session with an error event
  // instead of leaving it `running` forever.
  self->monitor(s.cfg.worker);
  if (s.cfg.worker.node() == self->node()) {
    self->send(s.cfg.worker, vl_admit_atom::value, std::move(job), me);
  } else {
    // A worker on another node: the job crosses the network in its serialisable form.
    self->send(s.cfg.worker, vl_admit_atom::value, to_remote(job), me);
  }
  report_clients(self);
}

// The store refused the session's metadata: a 200 now would promise a replay that cannot happen,
// so every client gets the error and the session goes, leaving its id free.
void fail_unstored(session_ptr self, const std::string& why) {
  auto& st = self->state;
  spdlog::error("session {}: storing its metadata failed, request refused: {}", info(self).id, why);
  info(self).state = session_state::failed;
  for (auto& [id, sub] : st.subs) sub.sink->close(failure::store_failed, "the session could not be stored; retry later");
  st.subs.clear();
  if (st.cfg.watchdog) self->send(st.cfg.watchdog, vl_forget_atom::value, info(self).id);
  if (auto registry = caf::actor_cast<registry_actor>(st.cfg.registry))
    self->send(registry, vl_done_atom::value, info(self).id);
  self->quit();
}

session_actor::behavior_type session_behavior(session_ptr self, session_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  // A reloaded session: its events live in the store; a terminal one is complete.
  st.ring_start = info(self).event_count;
  st.durable = info(self).event_count;
  st.log_complete = is_terminal(info(self).state);
  if (st.log_complete) arm_linger(self);
  const auto n = size_t(std::max(1, info(self).choices));
  st.choice_started.assign(n, false);
  st.choice_ended.assign(n, false);
  st.choices_open = int32_t(n);
  self->set_down_handler([=](const caf::down_msg& dm) {
    if (dm.source != self->state.cfg.worker.address() || is_terminal(info(self).state)) return;
    const bool remote = dm.source.node() != self->node();
    spdlog::warn("session {}: its {} went away ({})", info(self).id, remote ? "worker node" : "model worker",
                 self->system().render(dm.reason));
    on_worker_event(self, remote ? failure_event(failure::node_lost, "the cluster node generating this completion went away")
                                 : failure_event(failure::worker_failed,
                                                 "the model worker failed while generating this completion; see GET /health"));
  });
  return {
      [=](vl_admit_atom, generation_job job) {
        auto& s = self->state;
        if (!s.cfg.worker || info(self).event_count > 0 || is_terminal(info(self).state)) return;
        if (!s.cfg.persister) return admit(self, std::move(job));
        // Generation starts only once the metadata is stored, so an accepted stream is replayable.
        self->request(s.cfg.persister, s.cfg.store_timeout, vl_persist_atom::value, info(self))
            .then([=](bool) mutable { admit(self, std::move(job)); },
                  [=](const caf::error& err) { fail_unstored(self, self->system().render(err)); });
      },
      [=](vl_event_atom, stream_event ev) { on_worker_event(self, std::move(ev)); },
      [=](vl_queued_atom) {
        // The worker took the job: streams start now, whatever the wait for a slot.
        auto& s = self->state;
        if (is_terminal(info(self).state) || s.keeping_alive || s.cfg.keepalive.count() <= 0) return;
        s.keeping_alive = true;
        if (info(self).event_count == 0) keep_clients_alive(self);
        s.events_at_tick = info(self).event_count;
        self->delayed_send(self, s.cfg.keepalive, vl_keepalive_atom::value);
      },
      [=](vl_keepalive_atom) { on_keepalive_tick(self); },
      [=](vl_subscribe_atom, sink_ptr sink, uint64_t from) {
        auto& s = self->state;
        const auto id = s.next_sub_id++;
        sink->attach(info(self));
        s.subs[id] = subscriber{std::move(sink), from, false};
        ++s.linger_epoch;  // a client is back: cancel a pending linger
        report_clients(self);
        pump(self, id);
      },
      [=](vl_unsubscribe_atom, const sink_ptr& sink) {
        for (auto it = self->state.subs.begin(); it != self->state.subs.end(); ++it) {
          if (it->second.sink == sink) {
            drop(self, it->first);
            return;
          }
        }
      },
      [=](vl_cancel_atom, const std::string& reason) -> session_info {
        auto& s = self->state;
        if (is_terminal(info(self).state)) return info(self);
        spdlog::info("session {}: cancel requested ({})", info(self).id, reason);
        if (s.cfg.worker && s.admitted) {
          // The worker drops the sequence at its next step and answers with the final event.
          self->send(s.cfg.worker, vl_cancel_atom::value, info(self).id);
        } else {
          end_open_choices(self, finish::cancelled);
        }
        return info(self);
      },
      [=](vl_info_atom) -> session_info { return info(self); },
      [=](vl_interrupt_atom) -> caf::result<bool> {
        // Shutdown: a running session ends `interrupted` now, in the store and for its clients,
        // instead of being found running (and closed) at the next start.
        auto& s = self->state;
        if (is_terminal(info(self).state)) return true;
        if (s.cfg.worker && s.admitted) self->send(s.cfg.worker, vl_cancel_atom::value, info(self).id);
        end_open_choices(self, finish::interrupted);
        if (!s.cfg.persister) return true;
        // on_worker_event queued the last event, the metadata and a sync; the persister works its
        // mailbox in order, so the answer to this second sync means all of them are on disk.
        auto rp = self->make_response_promise<bool>();
        self->request(s.cfg.persister, s.cfg.store_timeout, vl_flush_atom::value)
            .then([rp]() mutable { rp.deliver(true); }, [rp](const caf::error&) mutable { rp.deliver(false); });
        return rp;
      },
      [=](vl_expire_atom, uint64_t epoch) {
        if (epoch == self->state.linger_epoch && self->state.subs.empty() && is_terminal(info(self).state))
          self->quit();
      },
  };
}

}  // namespace

void session_config::validate() const {
  if (info.id.empty()) throw std::invalid_argument("session id must not be empty");
  if (ring_capacity == 0) throw std::invalid_argument("ring_capacity must be > 0");
  if (linger.count() < 0) throw std::invalid_argument("linger must be >= 0");
}

session_actor spawn_session(caf::actor_system& sys, session_config cfg) {
  cfg.validate();
  return sys.spawn(session_behavior, std::move(cfg));
}

}  // namespace vlserve::actors
