#include "actors/model_worker.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <algorithm>
#include <chrono>
#include <optional>
#include <random>
#include <unordered_map>

#include "actors/atoms.hpp"
#include "actors/cluster_gate.hpp"
#include "actors/generation_job.hpp"
#include "actors/messages.hpp"
#include "actors/remote_job.hpp"
#include "actors/worker_events.hpp"
#include "model/device_info.hpp"

namespace vlserve::actors {
namespace {

using clock_type = std::chrono::steady_clock;

struct tracked_sequence {
  session_actor session;
  std::string session_id;
  clock_type::time_point admitted;
  std::optional<clock_type::time_point> last_token;
  std::vector<int32_t> tool_calls_sent;  // per choice: tool-call indexes count within a choice
  int32_t choices_left = 1;              // the ticket is forgotten when every choice has finished
};

struct worker_state {
  static inline const char* name = "model_worker";
  worker_config cfg;
  worker_outputs out;
  std::unique_ptr<model::text_engine> engine;
  std::unique_ptr<model::batch_runner> runner;
  std::shared_ptr<model::vision::feature_cache> vision_cache;  // null when VISION_CACHE_BYTES=0
  std::unordered_map<model::ticket, tracked_sequence> by_ticket;
  std::unordered_map<std::string, model::ticket> by_session;
  bool step_scheduled = false;
  std::string fingerprint;  // model_fingerprint of the loaded model; empty until loaded
  std::deque<clock_type::time_point> restarts;  // within cfg.restart_window
};

using worker_ptr = model_worker_actor::stateful_pointer<worker_state>;

void set_phase(worker_ptr self, model_phase phase, std::string detail, double progress) {
  self->state.out.state->set({phase, std::move(detail), progress, self->state.cfg.served_model_name});
}

// Blocking: the loader resolves (maybe downloads) and loads the model on the worker's own thread.
void load(worker_ptr self) {
  auto& st = self->state;
  try {
    model::loaded_model m = st.cfg.loader([self](const std::string& detail, double fraction) {
      set_phase(self, model_phase::loading, detail, fraction);
    });
    st.engine = std::move(m.engine);
    st.fingerprint = std::move(m.fingerprint);
    st.runner = std::make_unique<model::batch_runner>(*st.engine, m.tok, st.cfg.runner);
    model::prompt_defaults defaults = std::move(m.defaults);
    defaults.max_tokens = st.cfg.max_tokens_default;
    defaults.temperature = st.cfg.temperature_default;
    defaults.effort_budgets = st.cfg.effort_budgets;
    defaults.media = st.cfg.media;
    st.vision_cache = defaults.vision_cache;
    const int64_t max_context = defaults.max_context;
    st.out.assets->publish(
        std::make_shared<const model_assets>(model_assets{std::move(m.tok), std::move(defaults), st.cfg.served_model_name}));
    st.out.metrics->kv_cache_capacity_tokens = max_context * st.cfg.runner.max_batch;
    set_phase(self, model_phase::ready, "serving on " + st.engine->device() + " in " + st.engine->dtype(), 1.0);
    spdlog::info("model ready: {} on {} ({}), {}", st.cfg.served_model_name, st.engine->device(),
                 st.engine->dtype(), model::backend_description());
  } catch (const std::exception& e) {
    spdlog::error("model loading failed: {}", e.what());
    set_phase(self, model_phase::error, e.what(), 0.0);
  }
}

// Local senders, and nodes that passed the cluster gate. Every message to the worker has a sender
// (sessions and connectors send as themselves), so an anonymous one came from the network.
bool trusted_sender(worker_ptr self) {
  const auto& sender = self->current_sender();
  if (!sender) return false;
  if (sender->node() == self->node()) return true;
  if (self->state.cfg.members && self->state.cfg.members->contains(sender->node())) return true;
  spdlog::warn("cluster: dropped a message from node {}, which has not passed the cluster gate",
               caf::to_string(sender->node()));
  return false;
}

void schedule_step(worker_ptr self) {
  if (self->state.step_scheduled) return;
  self->state.step_scheduled = true;
  self->send(self, vl_step_atom::value);
}

void forget(worker_ptr self, model::ticket t) {
  auto it = self->state.by_ticket.find(t);
  if (it == self->state.by_ticket.end()) return;
  self->state.by_session.erase(it->second.session_id);
  self->state.by_ticket.erase(it);
}

// A step threw: the engine's state is unknown, so every sequence in flight ends with an error and
// the model is loaded again; past the restart bound the worker stops (its sessions are ended).
void recover(worker_ptr self, const std::string& why) {
  auto& st = self->state;
  spdlog::error("model worker: a step failed: {}", why);
  for (auto& [ticket, seq] : st.by_ticket)
    self->send(seq.session, vl_event_atom::value,
               failure_event(failure::worker_failed, "the model worker failed while generating this completion (" + why +
                                                         "); it is being restarted"));
  st.by_ticket.clear();
  st.by_session.clear();
  st.runner.reset();
  st.engine.reset();
  st.vision_cache.reset();
  const auto now = clock_type::now();
  while (!st.restarts.empty() && now - st.restarts.front() > st.cfg.restart_window) st.restarts.pop_front();
  if (int(st.restarts.size()) >= st.cfg.max_restarts) {
    const std::string detail = "the model worker failed " + std::to_string(st.restarts.size() + 1) + " times within " +
                               std::to_string(st.cfg.restart_window.count()) + " s (last: " + why +
                               "); restart the server";
    set_phase(self, model_phase::error, detail, 0.0);
    self->quit(caf::make_error(caf::sec::runtime_error, detail));
    return;
  }
  st.restarts.push_back(now);
  st.out.metrics->worker_restarts.fetch_add(1, std::memory_order_relaxed);
  load(self);
}

void run_step(worker_ptr self) {
  auto& st = self->state;
  st.step_scheduled = false;
  auto& m = *st.out.metrics;
  const auto t0 = clock_type::now();
  std::vector<model::runner_event> events;
  try {
    if (st.cfg.before_step) st.cfg.before_step();
    events = st.runner->step();
  } catch (const std::exception& e) {
    return recover(self, e.what());
  }
  const auto t1 = clock_type::now();
  m.step_seconds.observe(std::chrono::duration<double>(t1 - t0).count());
  m.note_batch(int64_t(st.runner->last_step_size()));
  for (auto& ev : events) {
    auto it = st.by_ticket.find(ev.id);
    if (it == st.by_ticket.end()) continue;
    auto& seq = it->second;
    if (ev.delta.token >= 0) {
      m.completion_tokens.fetch_add(1, std::memory_order_relaxed);
      if (!seq.last_token) {
        m.time_to_first_token.observe(std::chrono::duration<double>(t1 - seq.admitted).count());
        m.prompt_tokens.fetch_add(uint64_t(ev.prompt_tokens), std::memory_order_relaxed);
      } else {
        m.inter_token_latency.observe(std::chrono::duration<double>(t1 - *seq.last_token).count());
      }
      seq.last_token = t1;
    }
    if (ev.cancelled) m.cancelled.fetch_add(1, std::memory_order_relaxed);
    if (ev.choice < 0 || size_t(ev.choice) >= seq.tool_calls_sent.size()) continue;
    auto out = to_stream_event(ev, seq.tool_calls_sent[size_t(ev.choice)]);
    if (out) self->send(seq.session, vl_event_atom::value, std::move(*out));
    if (ev.finished && --seq.choices_left == 0) forget(self, ev.id);
  }
  m.running_sequences = int64_t(st.runner->running());
  m.queued_sequences = int64_t(st.runner->queued());
  m.kv_cache_tokens = st.runner->cached_tokens();
  const model::prefix_cache_figures pc = st.engine->prefix_cache();
  m.prefix_cache_bytes = pc.bytes;
  m.prefix_cache_max_bytes = pc.max_bytes;
  m.prefix_cache_entries = pc.entries;
  m.prefix_cache_pinned = pc.pinned;
  m.prefix_cache_held_tokens = pc.held_tokens;
  m.prefix_cache_hits = pc.hits;
  m.prefix_cache_misses = pc.misses;
  m.prefix_cache_reused_tokens = pc.reused_tokens;
  m.prefix_cache_evictions = pc.evictions;
  if (st.vision_cache) {
    const model::vision::feature_cache_stats vc = st.vision_cache->stats();
    m.vision_cache_bytes = vc.bytes;
    m.vision_cache_hits = vc.hits;
    m.vision_cache_misses = vc.misses;
  }
  if (!st.runner->idle()) schedule_step(self);
}

void send_failure(worker_ptr self, const session_actor& session, failure why, const std::string& message) {
  self->send(session, vl_event_atom::value, failure_event(why, message));
}

// Queues a sequence for `session`, or answers it with a failure event.
void admit(worker_ptr self, generation_job& job, const session_actor& session) {
  auto& st = self->state;
  if (!st.runner) return send_failure(self, session, failure::model_not_loaded, "the model is not loaded");
  if (st.by_session.count(job.session_id)) return send_failure(self, session, failure::session_exists, "session already running");
  try {
    const int32_t choices = job.input->choices;
    const auto t = st.runner->submit(std::move(*job.input));
    st.by_ticket[t] = tracked_sequence{session, job.session_id, clock_type::now(), std::nullopt,
                                       std::vector<int32_t>(size_t(choices), 0), choices};
    st.by_session[job.session_id] = t;
    st.out.metrics->queued_sequences = int64_t(st.runner->queued());
    // Accepted: the session may now start its clients' streams and keep them alive while it waits.
    self->send(session, vl_queued_atom::value);
    schedule_step(self);
  } catch (const std::length_error& e) {
    send_failure(self, session, failure::over_capacity, e.what());
  } catch (const std::exception& e) {
    send_failure(self, session, failure::bad_request, e.what());
  }
}

model_worker_actor::behavior_type worker_behavior(worker_ptr self, worker_config cfg, worker_outputs out) {
  self->state.cfg = std::move(cfg);
  self->state.out = out;
  model::set_compute_threads(0);
  load(self);
  return {
      [=](vl_admit_atom, generation_job& job, const session_actor& session) {
        if (trusted_sender(self)) admit(self, job, session);
      },
      [=](vl_fingerprint_atom) -> caf::result<std::string> {
        if (!trusted_sender(self)) return caf::make_error(caf::sec::runtime_error, "not a cluster member");
        return self->state.fingerprint;
      },
      [=](vl_admit_atom, remote_job& job, const session_actor& session) {
        if (!trusted_sender(self)) return;
        // From a session on another node of the cluster: the same admission as a local job.
        generation_job local;
        try {
          if (!self->state.engine) return send_failure(self, session, failure::model_not_loaded, "the model is not loaded");
          local = from_remote(std::move(job), self->state.engine->device(), self->state.engine->dtype());
        } catch (const std::exception& e) {  // e.g. a schema this node's build cannot compile
          return send_failure(self, session, failure::bad_request, e.what());
        }
        admit(self, local, session);
      },
      [=](vl_cancel_atom, const std::string& session_id) {
        if (!trusted_sender(self)) return;
        auto& st = self->state;
        auto it = st.by_session.find(session_id);
        if (it == st.by_session.end() || !st.runner) return;
        st.runner->cancel(it->second);
        schedule_step(self);
      },
      [=](vl_step_atom) {
        if (self->state.runner && trusted_sender(self)) run_step(self);
      },
  };
}

}  // namespace

void worker_config::validate() const {
  if (!loader) throw std::invalid_argument("the model worker needs a model loader");
  if (runner.max_batch < 1) throw std::invalid_argument("MAX_BATCH must be >= 1");
  if (runner.max_context < 16) throw std::invalid_argument("max context must be >= 16 tokens");
}

model_worker_actor spawn_model_worker(caf::actor_system& sys, worker_config cfg, worker_outputs out, bool detached) {
  cfg.validate();
  if (!detached) return sys.spawn(worker_behavior, std::move(cfg), out);
  return sys.spawn<caf::detached>(worker_behavior, std::move(cfg), out);
}

}  // namespace vlserve::actors
