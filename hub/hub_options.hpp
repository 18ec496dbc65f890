// Where model files come from: a local directory, the Hugging Face cache or the hub itself.
// Plain structs only, so every layer may include this header.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace vlserve::config {
struct settings;
}

namespace vlserve::hub {

struct hub_options {
  std::string repo_id;             // "Org/Name", or a local directory holding the model files
  std::string revision = "main";   // branch, tag or 40-hex commit
  std::string token;               // secret: sent as a Bearer header, never put in any message
  std::string endpoint = "https://huggingface.co";
  std::string cache_dir;           // the hub cache root (the folder that holds models--Org--Name)
  bool offline = false;            // HF_HUB_OFFLINE: never touch the network
  int max_parallel = 4;            // files downloaded at once
  int max_attempts = 5;            // per request, for transient failures (connection cut, 5xx, 429)
  int retry_base_delay_ms = 500;   // doubled after each failed attempt, capped at 8 s
  int connect_timeout_s = 15;
  int stall_timeout_s = 60;        // a transfer slower than 1 byte/s for this long is a failure
  int lock_timeout_s = 3600;       // waiting for another process that downloads the same blob
};

// A snapshot of the whole download (all files), reported through progress_callback.
struct download_progress {
  uint64_t bytes_done = 0;         // including bytes already on disk from an earlier partial run
  uint64_t bytes_total = 0;        // sum of the sizes of the files still to fetch
  double percent = 0;              // 0..100
  double bytes_per_second = 0;     // over this run's transfers only
  double eta_seconds = -1;         // -1 while the rate is unknown
  int files_done = 0;
  int files_total = 0;
  std::string current_file;        // the file whose bytes arrived last
  bool finished = false;           // true exactly once, on the last report
};

// Called from the download threads, one call at a time, at most every 250 ms plus a final call.
// Keep it quick; it must not throw.
using progress_callback = std::function<void(const download_progress&)>;

// MODEL_REPO_ID, MODEL_REVISION and HF_TOKEN come from settings; HF_ENDPOINT, HF_HUB_CACHE,
// HF_HOME and HF_HUB_OFFLINE from the environment (the same variables the Hugging Face tools read).
// An empty HF_TOKEN falls back to the token file that `huggingface-cli login` writes ($HF_HOME/token).
hub_options hub_options_from_env(const config::settings& s);

// HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub.
std::string default_cache_dir();

}  // namespace vlserve::hub
