// Runtime configuration: every environment variable the server reads, with its default.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/effort_budgets.hpp"

namespace vlserve::config {

enum class log_format { text, json };

// One field per variable in .env.example; names mirror the variables in lower case.
struct settings {
  std::string host = "0.0.0.0";
  uint16_t port = 3000;
  std::string model_repo_id = "Qwen/Qwen3-VL-2B-Thinking";
  std::string model_revision = "main";
  std::string served_model_name;  // empty = derived from MODEL_REPO_ID (config/served_model_name.hpp)
  std::string hf_token;  // secret: never logged
  std::vector<std::string> api_keys;  // secret: API_KEY plus API_KEY_FILE's keys; empty = no auth
  std::string api_key_file;           // where the file keys came from (a path, not a secret)
  bool protect_metrics = false;       // /health and /metrics need a key too
  bool ui = true;                     // GET / serves the chat page (ui/)
  std::vector<std::string> cors_origins;  // browser origins allowed to call the API ("*" = any); empty = off
  int max_tokens = 256;
  double temperature = 0.7;
  effort_budgets reasoning_effort_budgets = default_effort_budgets;  // thinking budget per effort
  int max_video_frames = 16;
  std::string device_map = "auto";   // auto | cpu | cuda | cuda:N
  std::string torch_dtype = "auto";  // auto | bfloat16 | float16 | float32
  std::string vision_dtype = "auto";  // auto | bfloat16 | float16 | float32 (the vision tower)
  std::string weight_quant = "none";  // none | int8 | fp8: the decoder's linear weights (CPU)
  bool persist_sessions = true;
  std::string sessions_db_path = "data/sessions";
  int64_t sessions_ttl_seconds = 86400;
  int64_t cancel_after_disconnect_seconds = 3600;  // 0 = never
  bool media_allow_remote = true;    // fetch http(s) image/video URLs
  bool media_allow_private = false;  // allow loopback/private/link-local addresses (tests)
  std::string media_root;            // file:// URLs only below this directory; empty = refused
  int64_t media_max_bytes = 32ll << 20;  // per image/video item
  int media_timeout_seconds = 20;    // per remote fetch
  int max_media_items = 16;          // images + videos per request
  int64_t max_vision_tokens = 16384; // merged vision tokens per request
  int max_batch = 8;
  int64_t max_queued = 64;      // requests waiting beyond MAX_BATCH; more get 429
  int64_t max_context = 16384;   // tokens per sequence (prompt + completion)
  int64_t prefill_chunk = 512;   // prompt tokens per engine step
  int64_t vision_cache_bytes = 256ll << 20;  // tower outputs kept for re-sent images/videos; 0 = off
  int64_t prefix_cache_bytes = -1;  // KV kept for later requests; -1 = auto (a share of free memory), 0 = off
  int64_t max_request_bytes = 64ll << 20;
  int threads = 0;  // 0 = all cores
  uint16_t cluster_port = 0;         // 0 = this node takes no work from peers
  std::string cluster_host = "127.0.0.1";  // address the cluster port binds
  std::vector<std::string> cluster_peers;  // host:port of worker nodes this node sends work to
  std::string cluster_secret;              // shared by every node; required for a cluster
  std::string cluster_advertise;           // host:port peers reach this node at ("" = derived)
  std::string log_level = "info";
  log_format log_fmt = log_format::text;
};

}  // namespace vlserve::config
