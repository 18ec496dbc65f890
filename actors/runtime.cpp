#include "actors/runtime.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

#include "actors/atoms.hpp"
#include "actors/cluster_gate.hpp"
#include "actors/media_prompt_actor.hpp"
#include "actors/model_worker.hpp"
#include "actors/cluster_membership.hpp"
#include "actors/peer_connector.hpp"
#include "actors/remote_job.hpp"
#include "actors/persister.hpp"
#include "actors/registry.hpp"
#include "actors/watchdog.hpp"
#include "config/cluster_address.hpp"
#include "config/served_model_name.hpp"
#include "hub/hub_options.hpp"
#include "model/device_info.hpp"

namespace vlserve::actors {

struct runtime::impl {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
};

namespace {

worker_config worker_config_from(const config::settings& s) {
  worker_config w;
  model::model_load_options load;
  // DEVICE_MAP=auto: CUDA when this libtorch sees a GPU, else the CPU.
  load.engine.device = s.device_map == "auto" ? (model::cuda_available() ? "cuda" : "cpu") : s.device_map;
  load.engine.dtype = model::resolve_dtype(s.torch_dtype, load.engine.device);
  load.engine.weight_quant = s.weight_quant;
  load.engine.max_context = s.max_context;
  load.vision_cache_bytes = s.vision_cache_bytes;
  load.vision_dtype = s.vision_dtype;
  w.loader = hub_model_loader(hub::hub_options_from_env(s), load, s.prefix_cache_bytes);
  w.runner.max_batch = s.max_batch;
  w.runner.prefill_chunk = s.prefill_chunk;
  // VLSERVE_PREFILL_PACING=off: whole PREFILL_CHUNKs beside decoders (for benchmark comparisons).
  const char* pacing = std::getenv("VLSERVE_PREFILL_PACING");
  w.runner.paced_prefill = pacing == nullptr || std::string(pacing) != "off";
  w.runner.max_context = s.max_context;
  w.max_tokens_default = s.max_tokens;
  w.temperature_default = s.temperature;
  w.effort_budgets = s.reasoning_effort_budgets;
  w.served_model_name = config::served_model_name(s);
  w.media.allow_remote = s.media_allow_remote;
  w.media.allow_private = s.media_allow_private;
  w.media.root = s.media_root;
  w.media.max_bytes = s.media_max_bytes;
  w.media.timeout_seconds = s.media_timeout_seconds;
  w.media.max_items = s.max_media_items;
  w.media.max_vision_tokens = s.max_vision_tokens;
  w.media.max_video_frames = s.max_video_frames;
  return w;
}

}  // namespace

runtime::runtime(const config::settings& s) : settings_(s), impl_(std::make_unique<impl>()) {
  // Cooperative actors (sessions, registry, watchdog) never block: blocking work runs in the
  // detached worker and persister threads (stack-notes §3), so two scheduler threads suffice.
  impl_->cfg.set("scheduler.max-threads", size_t(2));
  // CAF's idle workers first spin (100 polls), then poll every 50 us (500 times) before they block.
  // Every token wakes them (event -> session -> persister -> sinks), so on a 2-core machine that
  // polling preempted the compute threads, and an OpenMP loop waits for its slowest thread. Idle
  // workers here block on their condition variable right away; an enqueue wakes them.
  // VLSERVE_SCHEDULER_POLL=caf keeps CAF's defaults (for comparisons).
  const char* poll = std::getenv("VLSERVE_SCHEDULER_POLL");
  if (poll == nullptr || std::string(poll) != "caf") {
    impl_->cfg.set("work-stealing.aggressive-poll-attempts", size_t(1));
    impl_->cfg.set("work-stealing.moderate-poll-attempts", size_t(1));
  }
  // What crosses between nodes of a cluster (CAF's io middleman): jobs out, events back.
  impl_->cfg.add_message_type<remote_job>("vl_remote_job");
  impl_->cfg.add_message_type<stream_event>("stream_event");
  // Typed handles that cross: a session's in a remote job, a worker's in the gate's answer.
  impl_->cfg.add_message_type<session_actor>("vl_session_actor");
  impl_->cfg.add_message_type<model_worker_actor>("vl_worker_actor");
  // Symmetric nodes: the gate's exchange, registries answering for their sessions, relayed streams.
  impl_->cfg.add_message_type<gate_hello>("vl_gate_hello");
  impl_->cfg.add_message_type<gate_welcome>("vl_gate_welcome");
  impl_->cfg.add_message_type<registry_peer_actor>("vl_registry_peer_actor");
  impl_->cfg.add_message_type<session_relay_actor>("vl_session_relay_actor");
  impl_->cfg.add_message_type<session_info>("vl_session_info");
  const bool clustered = s.cluster_port > 0 || !s.cluster_peers.empty();
  if (clustered && s.cluster_secret.empty())
    throw std::runtime_error("CLUSTER_PORT and CLUSTER_PEERS need CLUSTER_SECRET, the same on every node "
                             "(e.g. CLUSTER_SECRET=$(openssl rand -hex 32))");
  if (clustered) {
    impl_->cfg.load<caf::io::middleman>();
    // A peer that stops answering (a partition keeps its TCP connection open) is noticed within
    // 2 s: CAF sends a heartbeat every 250 ms and drops a connection silent for 1.5 s, which ends
    // the streams generating there (node_lost) and lets the connector reconnect.
    impl_->cfg.set("middleman.heartbeat-interval", caf::timespan{std::chrono::milliseconds(250)});
    impl_->cfg.set("middleman.connection-timeout", caf::timespan{std::chrono::milliseconds(1500)});
  }
  impl_->sys = std::make_unique<caf::actor_system>(impl_->cfg);
  auto& sys = *impl_->sys;
  state_.set(service_snapshot{model_phase::loading, "starting", 0.0, s.model_repo_id});
  if (s.persist_sessions)
    persister_ = spawn_persister(sys, {s.sessions_db_path, s.sessions_ttl_seconds, std::chrono::seconds(60),
                                       s.max_request_bytes});
  if (s.cancel_after_disconnect_seconds > 0)
    watchdog_ = spawn_watchdog(sys, {std::chrono::seconds(s.cancel_after_disconnect_seconds)});
  auto worker_cfg = worker_config_from(s);
  auto members = std::make_shared<cluster_members>();
  if (clustered) worker_cfg.members = members;
  worker_ = spawn_model_worker(sys, std::move(worker_cfg), {&state_, &metrics_, &assets_});
  // Supervision: a worker that fails (an exception out of a step) is reported on /health as an
  // error, so new requests get 503; its sessions see it go down and end with an error event.
  worker_->attach_functor([state = &state_, stopping = stopping_, name = config::served_model_name(s)](
                              const caf::error& reason) {
    if (stopping->load()) return;
    const std::string why = "the model worker stopped (" + caf::to_string(reason) + "); restart the server";
    spdlog::error("{}", why);
    state->set({model_phase::error, why, 0.0, name});
  });
  registry_config rc;
  rc.worker = worker_;
  rc.persister = persister_;
  rc.watchdog = watchdog_;
  rc.max_batch = s.max_batch;
  rc.max_queued = s.max_queued;
  rc.members = members;
  rc.metrics = &metrics_;
  registry_ = spawn_registry(sys, rc);
  media_prompts_ = spawn_media_prompt_actor(sys);
  if (clustered) {
    peer_connector_config pc;
    pc.registry = registry_;
    pc.local_worker = worker_;
    pc.secret = s.cluster_secret;
    pc.members = members;
    pc.advertised = s.cluster_port > 0 ? config::cluster_advertised_address(s) : "";
    membership_ = spawn_cluster_membership(sys, {pc.advertised, pc});
  }
  if (s.cluster_port > 0) {
    // The port offers only the gate: peers prove CLUSTER_SECRET there to get the worker and the
    // registry (and give theirs); membership spreads through its answer.
    gate_ = spawn_cluster_gate(sys, {s.cluster_secret, worker_, members, registry_, membership_});
    auto port = sys.middleman().publish(gate_, s.cluster_port, s.cluster_host.c_str(), true);
    if (!port) {
      const std::string why = sys.render(port.error());
      stop();
      throw std::runtime_error("cannot open CLUSTER_PORT " + std::to_string(s.cluster_port) + " on " +
                               s.cluster_host + ": " + why);
    }
    spdlog::info("cluster: this node's worker takes jobs on {}:{}", s.cluster_host, *port);
  }
  // One connector per peer (the membership spawns them): connecting blocks its thread, up to the
  // TCP timeout for an address that drops packets, and that must not hold up the other peers.
  for (const auto& peer : s.cluster_peers) caf::anon_send(membership_, vl_connect_atom::value, peer);
  spdlog::info("actors started (persistence {}, watchdog {})", persister_ ? "on" : "off",
               watchdog_ ? std::to_string(s.cancel_after_disconnect_seconds) + " s" : "off");
}

runtime::~runtime() { stop(); }

void runtime::interrupt_sessions(std::chrono::milliseconds budget) {
  if (!impl_->sys || !registry_) return;
  caf::scoped_actor self{*impl_->sys};
  self->request(registry_, budget, vl_interrupt_atom::value)
      .receive([](bool) {},
               [](const caf::error&) { spdlog::warn("shutdown: not every running session confirmed its end in time"); });
}

caf::actor_system& runtime::system() { return *impl_->sys; }

void runtime::stop() {
  if (!impl_->sys) return;
  stopping_->store(true);
  const auto stop_one = [](auto& handle) {
    if (handle) caf::anon_send_exit(handle, caf::exit_reason::user_shutdown);
    handle = nullptr;
  };
  stop_one(membership_);  // its connectors are linked to it
  stop_one(gate_);
  stop_one(media_prompts_);
  stop_one(registry_);
  stop_one(worker_);
  stop_one(watchdog_);
  stop_one(persister_);
  // Destroying the system waits for every actor (sessions quit when the registry and their
  // clients are gone, or are killed by the system shutdown).
  impl_->sys.reset();
  spdlog::info("actor system stopped");
}

}  // namespace vlserve::actors
