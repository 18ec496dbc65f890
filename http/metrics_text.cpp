#include "http/metrics_text.hpp"

#include <cmath>
#include <sstream>

namespace vlserve::http {
namespace {

void counter(std::ostringstream& o, const char* name, const char* help, double v, const char* type = "counter") {
  o << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n" << name << " ";
  // Whole numbers print in full (a byte count of 67108864 must not become 6.71089e+07).
  if (std::fabs(v) < 9e15 && v == std::floor(v)) o << int64_t(v);
  else o << v;
  o << "\n";
}

void histogram(std::ostringstream& o, const char* name, const char* help, const actors::histogram& h) {
  const auto s = h.read();
  o << "# HELP " << name << " " << help << "\n# TYPE " << name << " histogram\n";
  for (size_t i = 0; i < actors::histogram::bounds.size(); ++i)
    o << name << "_bucket{le=\"" << actors::histogram::bounds[i] << "\"} " << s.cumulative[i] << "\n";
  o << name << "_bucket{le=\"+Inf\"} " << s.count << "\n";
  o << name << "_sum " << s.sum << "\n" << name << "_count " << s.count << "\n";
}

}  // namespace

std::string metrics_text(const actors::service_metrics& m) {
  std::ostringstream o;
  o << "# HELP vlserve_requests_total HTTP requests by status code\n# TYPE vlserve_requests_total counter\n";
  for (const auto& [status, n] : m.requests_by_status())
    o << "vlserve_requests_total{status=\"" << status << "\"} " << n << "\n";
  counter(o, "vlserve_prompt_tokens_total", "Prompt tokens processed", double(m.prompt_tokens.load()));
  counter(o, "vlserve_completion_tokens_total", "Tokens generated", double(m.completion_tokens.load()));
  counter(o, "vlserve_cancelled_total", "Sequences cancelled (client, watchdog)", double(m.cancelled.load()));
  counter(o, "vlserve_worker_restarts_total", "Times the model worker rebuilt its engine after a failed step",
          double(m.worker_restarts.load()));
  counter(o, "vlserve_steps_total", "Batched engine steps", double(m.steps.load()));
  counter(o, "vlserve_running_sequences", "Sequences in the batch", double(m.running_sequences.load()), "gauge");
  counter(o, "vlserve_queued_sequences", "Sequences waiting for batch room", double(m.queued_sequences.load()),
          "gauge");
  counter(o, "vlserve_prompts_building", "Chat requests being parsed, templated or having their media read",
          double(m.prompts_building.load()), "gauge");
  counter(o, "vlserve_batch_size", "Sequences in the last step", double(m.last_batch_size.load()), "gauge");
  counter(o, "vlserve_batch_size_max", "Largest batch seen", double(m.max_batch_size_seen.load()), "gauge");
  counter(o, "vlserve_cluster_peers", "Peer workers connected (CLUSTER_PEERS)", double(m.cluster_peers.load()),
          "gauge");
  counter(o, "vlserve_kv_cache_tokens", "Tokens held in KV caches", double(m.kv_cache_tokens.load()), "gauge");
  counter(o, "vlserve_kv_cache_capacity_tokens", "KV cache token capacity",
          double(m.kv_cache_capacity_tokens.load()), "gauge");
  counter(o, "vlserve_prefix_cache_bytes", "KV bytes held by the prefix cache",
          double(m.prefix_cache_bytes.load()), "gauge");
  counter(o, "vlserve_prefix_cache_max_bytes", "Prefix cache bound (PREFIX_CACHE_BYTES)",
          double(m.prefix_cache_max_bytes.load()), "gauge");
  counter(o, "vlserve_prefix_cache_entries", "KV blocks (32 tokens or a history's shorter last block) held by the prefix cache",
          double(m.prefix_cache_entries.load()), "gauge");
  counter(o, "vlserve_prefix_cache_pinned_blocks", "Prefix cache blocks running sequences started from (not evictable)",
          double(m.prefix_cache_pinned.load()), "gauge");
  counter(o, "vlserve_prefix_cache_tokens", "Tokens held by the prefix cache",
          double(m.prefix_cache_held_tokens.load()), "gauge");
  counter(o, "vlserve_prefix_cache_hits_total", "Prompts that started from a cached prefix",
          double(m.prefix_cache_hits.load()));
  counter(o, "vlserve_prefix_cache_misses_total", "Prompts with no cached prefix",
          double(m.prefix_cache_misses.load()));
  counter(o, "vlserve_prefix_cache_reused_tokens_total", "Prompt tokens reused instead of recomputed",
          double(m.prefix_cache_reused_tokens.load()));
  counter(o, "vlserve_prefix_cache_evictions_total", "Blocks evicted from the prefix cache",
          double(m.prefix_cache_evictions.load()));
  counter(o, "vlserve_vision_cache_bytes", "Vision tower outputs held (VISION_CACHE_BYTES)",
          double(m.vision_cache_bytes.load()), "gauge");
  counter(o, "vlserve_vision_cache_hits_total", "Tower calls answered from the vision cache",
          double(m.vision_cache_hits.load()));
  counter(o, "vlserve_vision_cache_misses_total", "Tower calls that ran the tower",
          double(m.vision_cache_misses.load()));
  histogram(o, "vlserve_time_to_first_token_seconds", "Admission to first token", m.time_to_first_token);
  histogram(o, "vlserve_inter_token_latency_seconds", "Gap between tokens of a sequence", m.inter_token_latency);
  histogram(o, "vlserve_step_seconds", "Duration of one batched step", m.step_seconds);
  return o.str();
}

}  // namespace vlserve::http
