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
#include "model/checkpoint/model_fingerprint.hpp"
#include "hub/hub_error.hpp"
#include "hub/resolve_model_dir.hpp"
#include "model/serving/memory_check.hpp"

namespace vlserve::actors {
namespace {

using clock_type = std::chrono::steady_clock;

struct tracked_sequence {
  session_actor session;
  std::string session_id;
  clock_type::time_point admitted;
  std::optional<clock_type::time_point> last_token;
  int32_t tool_calls_sent = 0;
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
};

using worker_ptr = model_worker_actor::stateful_pointer<worker_state>;

void set_phase(worker_ptr self, model_phase phase, std::string detail, double progress) {
  self->state.out.state->set({phase, std::move(detail), progress, self->state.cfg.served_model_name});
}

// Blocking: resolves (maybe downloads) and loads the model on the worker's own thread.
void load(worker_ptr self) {
  auto& st = self->state;
  try {
    set_phase(self, model_phase::loading, "resolving model files", 0.0);
    const auto dir = hub::resolve_model_dir(st.cfg.hub, [self](const hub::download_progress& p) {
      set_phase(self, model_phase::loading,
                "downloading " + p.current_file + " (" + std::to_string(int(p.percent)) + "%)", p.percent / 100.0);
    });
    st.cfg.engine.prefix_cache_bytes = st.cfg.prefix_cache_bytes;
    if (st.cfg.engine.device == "cpu") {
      if (const auto free = model::available_memory_bytes()) {
        const uint64_t weights = model::estimate_weight_bytes(dir, st.cfg.engine.dtype);
        model::check_memory_fits(weights, *free, st.cfg.engine.dtype);
        // auto: a quarter of what the weights leave free, at most 4 GiB.
        if (st.cfg.prefix_cache_bytes < 0)
          st.cfg.engine.prefix_cache_bytes =
              int64_t(std::min<uint64_t>(*free > weights ? (*free - weights) / 4 : 0, uint64_t(4) << 30));
      }
    }
    if (st.cfg.engine.prefix_cache_bytes < 0) st.cfg.engine.prefix_cache_bytes = int64_t(1) << 30;
    set_phase(self, model_phase::loading, "loading weights from " + dir, 0.99);
    spdlog::info("loading model from {}", dir);
    st.engine = std::make_unique<model::text_engine>(dir, st.cfg.engine);
    auto tok = model::tokenizer::load(dir + "/tokenizer.json");
    st.fingerprint = model::model_fingerprint(dir);
    st.runner = std::make_unique<model::batch_runner>(*st.engine, tok, st.cfg.runner);
    model::prompt_defaults defaults;
    defaults.max_tokens = st.cfg.max_tokens_default;
    defaults.temperature = st.cfg.temperature_default;
    defaults.effort_budgets = st.cfg.effort_budgets;
    defaults.vocab_size = tok.vocab_size();
    defaults.generation = st.engine->generation();
    defaults.max_context = st.cfg.engine.max_context;
    defaults.media = st.cfg.media;
    if (st.engine->config().has_vision) {
      // Media requests run the tower in the media prompt actor, on the engine's device and dtype.
      defaults.tower = std::make_shared<const model::vision::vision_tower>(
          dir, model::vision::tower_options{st.cfg.engine.device, st.cfg.engine.dtype});
      defaults.processor = model::vision::load_processor_config(dir);
      if (st.cfg.vision_cache_bytes > 0)
        defaults.vision_cache = std::make_shared<model::vision::feature_cache>(st.cfg.vision_cache_bytes);
      st.vision_cache = defaults.vision_cache;
    }
    st.out.assets->publish(std::make_shared<const model_assets>(model_assets{tok, defaults, st.cfg.served_model_name}));
    st.out.metrics->kv_cache_capacity_tokens = st.cfg.engine.max_context * st.cfg.runner.max_batch;
    set_phase(self, model_phase::ready, "serving on " + st.engine->device() + " in " + st.engine->dtype(), 1.0);
    spdlog::info("model ready: {} on {} ({}), {}", st.cfg.served_model_name, st.engine->device(),
                 st.engine->dtype(), model::backend_description());
  } catch (const hub::hub_error& e) {
    // Say how to provide the model, not only why fetching it failed.
    const std::string detail = std::string("the model is not available: ") + e.what() +
                               ". To serve it, set MODEL_REPO_ID to a local model directory (config.json, "
                               "*.safetensors, tokenizer files), or give this machine access to the hub "
                               "(HF_ENDPOINT) with HF_TOKEN for gated models";
    spdlog::error("model loading failed: {}", detail);
    set_phase(self, model_phase::error, detail, 0.0);
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

void run_step(worker_ptr self) {
  auto& st = self->state;
  st.step_scheduled = false;
  auto& m = *st.out.metrics;
  const auto t0 = clock_type::now();
  auto events = st.runner->step();
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
    auto out = to_stream_event(ev, seq.tool_calls_sent);
    if (out) self->send(seq.session, vl_event_atom::value, std::move(*out));
    if (ev.finished) forget(self, ev.id);
  }
  m.running_sequences = int64_t(st.runner->running());
  m.queued_sequences = int64_t(st.runner->queued());
  m.kv_cache_tokens = st.runner->cached_tokens();
  const model::prefix_cache_figures pc = st.engine->prefix_cache();
  m.prefix_cache_bytes = pc.bytes;
  m.prefix_cache_max_bytes = pc.max_bytes;
  m.prefix_cache_entries = pc.entries;
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
    const auto t = st.runner->submit(std::move(*job.input));
    st.by_ticket[t] = tracked_sequence{session, job.session_id, clock_type::now(), std::nullopt, 0};
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
  if (runner.max_batch < 1) throw std::invalid_argument("MAX_BATCH must be >= 1");
  if (engine.max_context < 16) throw std::invalid_argument("max context must be >= 16 tokens");
}

model_worker_actor spawn_model_worker(caf::actor_system& sys, worker_config cfg, worker_outputs out) {
  cfg.validate();
  return sys.spawn<caf::detached>(worker_behavior, std::move(cfg), out);
}

}  // namespace vlserve::actors
