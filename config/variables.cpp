#include "config/variables.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "config/api_keys.hpp"
#include "config/config_error.hpp"

namespace vlserve::config {
namespace {

[[noreturn]] void reject(const std::string& name, const std::string& value, const std::string& accepted) {
  throw config_error(name + "=" + value + " is invalid: expected " + accepted);
}

int64_t parse_int(const std::string& name, const std::string& value, int64_t lo, int64_t hi) {
  const std::string accepted = "an integer in " + std::to_string(lo) + ".." + std::to_string(hi);
  int64_t out = 0;
  const char* end = value.data() + value.size();
  const auto r = std::from_chars(value.data(), end, out);
  if (value.empty() || r.ec != std::errc() || r.ptr != end || out < lo || out > hi)
    reject(name, value, accepted);
  return out;
}

double parse_double(const std::string& name, const std::string& value, double lo, double hi) {
  const std::string accepted = "a number in [" + std::to_string(lo).substr(0, 3) + ", " +
                               std::to_string(hi).substr(0, 3) + "]";
  double out = 0;
  const char* end = value.data() + value.size();
  const auto r = std::from_chars(value.data(), end, out);
  if (value.empty() || r.ec != std::errc() || r.ptr != end || !std::isfinite(out) || out < lo ||
      out > hi)
    reject(name, value, accepted);
  return out;
}

bool parse_bool(const std::string& name, const std::string& value) {
  std::string v = value;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  reject(name, value, "1|0 (or true|false, yes|no, on|off)");
}

std::string parse_choice(const std::string& name, const std::string& value,
                         const std::vector<std::string>& choices) {
  if (std::find(choices.begin(), choices.end(), value) != choices.end()) return value;
  std::string accepted;
  for (const auto& c : choices) accepted += (accepted.empty() ? "" : "|") + c;
  reject(name, value, "one of " + accepted);
}

std::string parse_device(const std::string& name, const std::string& value) {
  if (value == "auto" || value == "cpu" || value == "cuda") return value;
  if (value.rfind("cuda:", 0) == 0) {
    const std::string index = value.substr(5);
    int n = -1;
    const auto r = std::from_chars(index.data(), index.data() + index.size(), n);
    if (!index.empty() && r.ec == std::errc() && r.ptr == index.data() + index.size() && n >= 0 && n < 64)
      return value;
  }
  reject(name, value, "auto, cpu, cuda or cuda:N");
}

std::string non_empty(const std::string& name, const std::string& value) {
  if (value.empty()) reject(name, value, "a non-empty value");
  return value;
}

std::string yes_no(bool b) { return b ? "1" : "0"; }

// "https://a.example,http://localhost:5173" or "*" (empty = CORS off); at most 64 origins, each
// scheme://host[:port] exactly as a browser sends it in Origin (no path, no trailing slash).
std::vector<std::string> parse_origins(const std::string& name, const std::string& value) {
  std::vector<std::string> out;
  size_t begin = 0;
  const std::string accepted = "\"*\" or comma-separated origins like https://app.example:8443 (no path)";
  while (begin <= value.size() && !value.empty()) {
    size_t end = value.find(',', begin);
    if (end == std::string::npos) end = value.size();
    std::string origin = value.substr(begin, end - begin);
    origin.erase(0, origin.find_first_not_of(' '));
    origin.erase(origin.find_last_not_of(' ') + 1);
    begin = end + 1;
    if (origin.empty()) continue;
    const auto scheme_end = origin.find("://");
    const bool ok = origin == "*" || ((origin.rfind("http://", 0) == 0 || origin.rfind("https://", 0) == 0) &&
                                      origin.find_first_of("/ \t", scheme_end + 3) == std::string::npos &&
                                      origin.size() > scheme_end + 3);
    if (!ok) reject(name, value, accepted);
    out.push_back(origin);
    if (out.size() > 64) reject(name, value, "at most 64 origins");
  }
  return out;
}

// "host:port,host:port" (empty = none); each port 1..65535, at most 64 peers.
std::vector<std::string> parse_peers(const std::string& name, const std::string& value) {
  std::vector<std::string> peers;
  size_t begin = 0;
  while (begin < value.size()) {
    size_t end = value.find(',', begin);
    if (end == std::string::npos) end = value.size();
    const std::string peer = value.substr(begin, end - begin);
    const size_t colon = peer.rfind(':');
    const std::string accepted = "a comma-separated list of host:port, each port an integer in 1..65535";
    if (colon == std::string::npos || colon == 0) reject(name, value, accepted);
    const std::string port = peer.substr(colon + 1);
    int64_t number = 0;
    const auto [end_ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (ec != std::errc() || end_ptr != port.data() + port.size() || number < 1 || number > 65535)
      reject(name, value, accepted);
    peers.push_back(peer);
    if (peers.size() > 64) reject(name, value, "at most 64 peers");
    begin = end + 1;
  }
  return peers;
}

std::vector<variable> make_table() {
  std::vector<variable> t;
  auto add = [&t](std::string name, std::string help, bool secret, auto apply, auto show) {
    t.push_back(variable{std::move(name), std::move(help), secret, apply, show});
  };
  add("HOST", "Address to listen on", false,
      [](const std::string& v, settings& s) { s.host = non_empty("HOST", v); },
      [](const settings& s) { return s.host; });
  add("PORT", "TCP port for the HTTP API (1..65535)", false,
      [](const std::string& v, settings& s) { s.port = uint16_t(parse_int("PORT", v, 1, 65535)); },
      [](const settings& s) { return std::to_string(s.port); });
  add("MODEL_REPO_ID", "Hugging Face repo id or a local model directory", false,
      [](const std::string& v, settings& s) { s.model_repo_id = non_empty("MODEL_REPO_ID", v); },
      [](const settings& s) { return s.model_repo_id; });
  add("MODEL_REVISION", "Hub revision (branch, tag or commit) to resolve", false,
      [](const std::string& v, settings& s) { s.model_revision = non_empty("MODEL_REVISION", v); },
      [](const settings& s) { return s.model_revision; });
  add("SERVED_MODEL_NAME",
      "Model name in /v1/models and responses; requests may name it or MODEL_REPO_ID (default: the repo id)", false,
      [](const std::string& v, settings& s) {
        if (v.size() > 256) reject("SERVED_MODEL_NAME", v.substr(0, 40) + "...", "at most 256 bytes");
        s.served_model_name = v;
      },
      [](const settings& s) { return s.served_model_name; });
  add("HF_TOKEN", "Hugging Face access token for gated/private repos (never logged)", true,
      [](const std::string& v, settings& s) { s.hf_token = v; },
      [](const settings& s) { return s.hf_token; });
  add("API_KEY", "Comma-separated keys clients send as 'Authorization: Bearer <key>' (empty = no auth; never logged)",
      true, [](const std::string& v, settings& s) { s.api_keys = parse_api_keys("API_KEY", v); },
      [](const settings& s) {
        std::string out;
        for (const auto& k : s.api_keys) out += (out.empty() ? "" : ",") + k;
        return out;
      });
  add("API_KEY_FILE", "File with one API key per line, added to API_KEY's (for secrets mounted as files)", false,
      [](const std::string& v, settings& s) {
        s.api_key_file = v;
        if (v.empty()) return;
        for (auto& k : read_api_key_file(v)) s.api_keys.push_back(std::move(k));
        if (s.api_keys.size() > max_api_keys)
          throw config_error("API_KEY and API_KEY_FILE hold more than " + std::to_string(max_api_keys) + " keys");
      },
      [](const settings& s) { return s.api_key_file; });
  add("PROTECT_METRICS", "1 to require an API key for /health and /metrics too (0 = open)", false,
      [](const std::string& v, settings& s) { s.protect_metrics = parse_bool("PROTECT_METRICS", v); },
      [](const settings& s) { return yes_no(s.protect_metrics); });
  add("UI", "1 to serve the browser chat page at GET / (0 = / is a 404)", false,
      [](const std::string& v, settings& s) { s.ui = parse_bool("UI", v); },
      [](const settings& s) { return yes_no(s.ui); });
  add("CORS_ORIGINS", "Browser origins allowed to call the API, comma-separated, or * (empty = no CORS)", false,
      [](const std::string& v, settings& s) { s.cors_origins = parse_origins("CORS_ORIGINS", v); },
      [](const settings& s) {
        std::string out;
        for (const auto& o : s.cors_origins) out += (out.empty() ? "" : ",") + o;
        return out;
      });
  add("MAX_TOKENS", "Default max completion tokens when a request gives none (1..1048576)", false,
      [](const std::string& v, settings& s) { s.max_tokens = int(parse_int("MAX_TOKENS", v, 1, 1 << 20)); },
      [](const settings& s) { return std::to_string(s.max_tokens); });
  add("TEMPERATURE", "Default sampling temperature when a request gives none (0..2; 0 = greedy)", false,
      [](const std::string& v, settings& s) { s.temperature = parse_double("TEMPERATURE", v, 0.0, 2.0); },
      [](const settings& s) { return std::to_string(s.temperature); });
  add("REASONING_EFFORT_BUDGETS", "Thinking budget (reasoning tokens) per reasoning_effort: low=N,medium=N,high=N",
      false,
      [](const std::string& v, settings& s) {
        s.reasoning_effort_budgets = parse_effort_budgets("REASONING_EFFORT_BUDGETS", v);
      },
      [](const settings& s) { return show_effort_budgets(s.reasoning_effort_budgets); });
  add("MAX_VIDEO_FRAMES", "Upper cap on frames sampled from one video (1..768)", false,
      [](const std::string& v, settings& s) {
        s.max_video_frames = int(parse_int("MAX_VIDEO_FRAMES", v, 1, 768));
      },
      [](const settings& s) { return std::to_string(s.max_video_frames); });
  add("DEVICE_MAP", "auto (CUDA when present, else CPU), cpu, cuda or cuda:N", false,
      [](const std::string& v, settings& s) { s.device_map = parse_device("DEVICE_MAP", v); },
      [](const settings& s) { return s.device_map; });
  add("TORCH_DTYPE",
      "auto (bfloat16 on CUDA and on CPUs with AVX2+FMA or AVX512-BF16, where vlserve's bf16 kernels run, else "
      "float32), bfloat16, float16 or float32",
      false,
      [](const std::string& v, settings& s) {
        s.torch_dtype = parse_choice("TORCH_DTYPE", v, {"auto", "bfloat16", "float16", "float32"});
      },
      [](const settings& s) { return s.torch_dtype; });
  add("VISION_DTYPE",
      "dtype of the vision tower: auto (TORCH_DTYPE's, except float32 for bfloat16 on CPUs without "
      "AVX512-BF16, ~14 % faster there for ~0.8 GB more), bfloat16, float16 or float32",
      false,
      [](const std::string& v, settings& s) {
        s.vision_dtype = parse_choice("VISION_DTYPE", v, {"auto", "bfloat16", "float16", "float32"});
      },
      [](const settings& s) { return s.vision_dtype; });
  add("WEIGHT_QUANT",
      "none, int8 (quantize the decoder's linear layers and lm_head at load: 1 byte per weight, about twice "
      "the decode speed; CPU) or fp8 (load an FP8 checkpoint at 1 byte per weight)",
      false,
      [](const std::string& v, settings& s) { s.weight_quant = parse_choice("WEIGHT_QUANT", v, {"none", "int8", "fp8"}); },
      [](const settings& s) { return s.weight_quant; });
  add("PERSIST_SESSIONS", "1 to keep session events in LMDB for replay across restarts, 0 for memory only", false,
      [](const std::string& v, settings& s) { s.persist_sessions = parse_bool("PERSIST_SESSIONS", v); },
      [](const settings& s) { return yes_no(s.persist_sessions); });
  add("SESSIONS_DB_PATH", "Directory of the LMDB session store", false,
      [](const std::string& v, settings& s) { s.sessions_db_path = non_empty("SESSIONS_DB_PATH", v); },
      [](const settings& s) { return s.sessions_db_path; });
  add("SESSIONS_TTL_SECONDS", "Finished sessions older than this are swept from the store (1..31536000)", false,
      [](const std::string& v, settings& s) {
        s.sessions_ttl_seconds = parse_int("SESSIONS_TTL_SECONDS", v, 1, 31536000);
      },
      [](const settings& s) { return std::to_string(s.sessions_ttl_seconds); });
  add("CANCEL_AFTER_DISCONNECT_SECONDS",
      "Cancel a running stream after all its clients are gone this long (0 = never)", false,
      [](const std::string& v, settings& s) {
        s.cancel_after_disconnect_seconds = parse_int("CANCEL_AFTER_DISCONNECT_SECONDS", v, 0, 31536000);
      },
      [](const settings& s) { return std::to_string(s.cancel_after_disconnect_seconds); });
  add("MEDIA_ALLOW_REMOTE", "1 to fetch http(s) image/video URLs, 0 to accept only data: URLs", false,
      [](const std::string& v, settings& s) { s.media_allow_remote = parse_bool("MEDIA_ALLOW_REMOTE", v); },
      [](const settings& s) { return yes_no(s.media_allow_remote); });
  add("MEDIA_ALLOW_PRIVATE", "1 to let media URLs reach loopback/private/link-local addresses", false,
      [](const std::string& v, settings& s) { s.media_allow_private = parse_bool("MEDIA_ALLOW_PRIVATE", v); },
      [](const settings& s) { return yes_no(s.media_allow_private); });
  add("MEDIA_ROOT", "Directory that file:// media URLs may read below (empty = file:// refused)", false,
      [](const std::string& v, settings& s) { s.media_root = v; },
      [](const settings& s) { return s.media_root; });
  add("MEDIA_MAX_BYTES", "Largest image or video item in bytes (1024..1073741824)", false,
      [](const std::string& v, settings& s) { s.media_max_bytes = parse_int("MEDIA_MAX_BYTES", v, 1024, 1ll << 30); },
      [](const settings& s) { return std::to_string(s.media_max_bytes); });
  add("MEDIA_TIMEOUT_SECONDS", "Time limit for fetching one remote media item (1..600)", false,
      [](const std::string& v, settings& s) {
        s.media_timeout_seconds = int(parse_int("MEDIA_TIMEOUT_SECONDS", v, 1, 600));
      },
      [](const settings& s) { return std::to_string(s.media_timeout_seconds); });
  add("MAX_MEDIA_ITEMS", "Most images plus videos in one request (0..256)", false,
      [](const std::string& v, settings& s) { s.max_media_items = int(parse_int("MAX_MEDIA_ITEMS", v, 0, 256)); },
      [](const settings& s) { return std::to_string(s.max_media_items); });
  add("MAX_VISION_TOKENS", "Most vision tokens (after the 2x2 merge) in one request (1..1048576)", false,
      [](const std::string& v, settings& s) {
        s.max_vision_tokens = parse_int("MAX_VISION_TOKENS", v, 1, 1 << 20);
      },
      [](const settings& s) { return std::to_string(s.max_vision_tokens); });
  add("MAX_BATCH", "Most sequences decoded together in one step (1..256)", false,
      [](const std::string& v, settings& s) { s.max_batch = int(parse_int("MAX_BATCH", v, 1, 256)); },
      [](const settings& s) { return std::to_string(s.max_batch); });
  add("MAX_QUEUED", "Requests that may wait for a batch slot (or for their images to be read) beyond MAX_BATCH; more are refused with 429 and Retry-After (0..100000)", false,
      [](const std::string& v, settings& s) { s.max_queued = parse_int("MAX_QUEUED", v, 0, 100000); },
      [](const settings& s) { return std::to_string(s.max_queued); });
  add("MAX_CONTEXT", "Most tokens per sequence, prompt plus completion (64..1048576)", false,
      [](const std::string& v, settings& s) { s.max_context = parse_int("MAX_CONTEXT", v, 64, 1 << 20); },
      [](const settings& s) { return std::to_string(s.max_context); });
  add("PREFILL_CHUNK", "Prompt tokens read per engine step while nothing decodes; with streams running steps are paced to keep half their rate (16..65536)", false,
      [](const std::string& v, settings& s) { s.prefill_chunk = parse_int("PREFILL_CHUNK", v, 16, 65536); },
      [](const settings& s) { return std::to_string(s.prefill_chunk); });
  add("VISION_CACHE_BYTES",
      "Vision tower outputs kept for images and videos sent again (the next turns of a chat); "
      "0 = off (0..1099511627776)",
      false,
      [](const std::string& v, settings& s) {
        s.vision_cache_bytes = parse_int("VISION_CACHE_BYTES", v, 0, 1ll << 40);
      },
      [](const settings& s) { return std::to_string(s.vision_cache_bytes); });
  add("PREFIX_CACHE_BYTES",
      "KV cache kept for later requests that start the same way: auto (a quarter of the memory left "
      "after the weights, at most 4 GiB), 0 = off, or bytes (0..1099511627776)",
      false,
      [](const std::string& v, settings& s) {
        s.prefix_cache_bytes = v == "auto" ? -1 : parse_int("PREFIX_CACHE_BYTES", v, 0, 1ll << 40);
      },
      [](const settings& s) {
        return s.prefix_cache_bytes < 0 ? std::string("auto") : std::to_string(s.prefix_cache_bytes);
      });
  add("MAX_REQUEST_BYTES", "Largest accepted HTTP request, headers included (4096..1073741824)", false,
      [](const std::string& v, settings& s) {
        s.max_request_bytes = parse_int("MAX_REQUEST_BYTES", v, 4096, 1ll << 30);
      },
      [](const settings& s) { return std::to_string(s.max_request_bytes); });
  add("THREADS", "Intra-op compute threads (0 = all cores)", false,
      [](const std::string& v, settings& s) { s.threads = int(parse_int("THREADS", v, 0, 1024)); },
      [](const settings& s) { return std::to_string(s.threads); });
  add("CLUSTER_PORT", "This node's cluster port, where peers join (0 = none)", false,
      [](const std::string& v, settings& s) { s.cluster_port = uint16_t(parse_int("CLUSTER_PORT", v, 0, 65535)); },
      [](const settings& s) { return std::to_string(s.cluster_port); });
  add("CLUSTER_HOST", "Address the cluster port binds (a private network address; never a public one)", false,
      [](const std::string& v, settings& s) { s.cluster_host = non_empty("CLUSTER_HOST", v); },
      [](const settings& s) { return s.cluster_host; });
  add("CLUSTER_PEERS", "Comma-separated host:port of other nodes' cluster ports to join (one is enough: membership spreads)", false,
      [](const std::string& v, settings& s) { s.cluster_peers = parse_peers("CLUSTER_PEERS", v); },
      [](const settings& s) {
        std::string out;
        for (const auto& p : s.cluster_peers) out += (out.empty() ? "" : ",") + p;
        return out;
      });
  add("CLUSTER_ADVERTISE", "host:port at which the other nodes reach this node's cluster port; told to peers so membership spreads (empty = CLUSTER_HOST:CLUSTER_PORT unless CLUSTER_HOST is 0.0.0.0 or ::)", false,
      [](const std::string& v, settings& s) {
        const auto one = parse_peers("CLUSTER_ADVERTISE", v);
        if (one.size() > 1) reject("CLUSTER_ADVERTISE", v, "one host:port, not a list");
        s.cluster_advertise = one.empty() ? "" : one.front();
      },
      [](const settings& s) { return s.cluster_advertise; });
  add("CLUSTER_SECRET", "Shared secret every node of a cluster proves before it is let in (16+ characters; required with CLUSTER_PORT or CLUSTER_PEERS; never logged)",
      true,
      [](const std::string& v, settings& s) {
        if (!v.empty() && v.size() < 16)
          throw config_error("CLUSTER_SECRET must be at least 16 characters (e.g. openssl rand -hex 32)");
        s.cluster_secret = v;
      },
      [](const settings& s) { return s.cluster_secret; });
  add("LOG_LEVEL", "trace, debug, info, warn, error or off", false,
      [](const std::string& v, settings& s) {
        s.log_level = parse_choice("LOG_LEVEL", v, {"trace", "debug", "info", "warn", "error", "off"});
      },
      [](const settings& s) { return s.log_level; });
  add("LOG_FORMAT", "text or json (one JSON object per line)", false,
      [](const std::string& v, settings& s) {
        s.log_fmt = parse_choice("LOG_FORMAT", v, {"text", "json"}) == "json" ? log_format::json
                                                                             : log_format::text;
      },
      [](const settings& s) { return std::string(s.log_fmt == log_format::json ? "json" : "text"); });
  return t;
}

}  // namespace

const std::vector<variable>& variables() {
  static const std::vector<variable> table = make_table();
  return table;
}

std::string flag_name(const std::string& variable_name) {
  std::string out = "--";
  for (char c : variable_name) out += c == '_' ? '-' : char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace vlserve::config
