// Every configuration variable: its default, a valid value, and an invalid value's message.
#include <gtest/gtest.h>

#include <map>

#include "config/cluster_address.hpp"
#include "config/config_error.hpp"
#include "config/load.hpp"
#include "config/variables.hpp"

using namespace vlserve::config;

namespace {

env_lookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

settings load_env(std::map<std::string, std::string> vars) { return load_settings(env_of(vars), {}, {}); }

std::string error_for(const std::string& name, const std::string& value) {
  try {
    load_env({{name, value}});
  } catch (const config_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Settings, DefaultsMatchTheSpec) {
  const settings s = load_env({});
  EXPECT_EQ(s.host, "0.0.0.0");
  EXPECT_EQ(s.port, 3000);
  EXPECT_EQ(s.model_repo_id, "Qwen/Qwen3-VL-2B-Thinking");
  EXPECT_EQ(s.model_revision, "main");
  EXPECT_EQ(s.hf_token, "");
  EXPECT_EQ(s.max_tokens, 256);
  EXPECT_DOUBLE_EQ(s.temperature, 0.7);
  EXPECT_EQ(s.max_video_frames, 16);
  EXPECT_EQ(s.device_map, "auto");
  EXPECT_EQ(s.torch_dtype, "auto");
  EXPECT_EQ(s.vision_dtype, "auto");
  EXPECT_EQ(s.weight_quant, "none");
  EXPECT_TRUE(s.persist_sessions);
  EXPECT_EQ(s.sessions_db_path, "data/sessions");
  EXPECT_EQ(s.sessions_ttl_seconds, 86400);
  EXPECT_EQ(s.cancel_after_disconnect_seconds, 3600);
  EXPECT_EQ(s.max_batch, 8);
  EXPECT_EQ(s.max_queued, 64);
  EXPECT_EQ(s.cluster_secret, "");
  EXPECT_EQ(s.max_context, 16384);
  EXPECT_TRUE(s.media_allow_remote);
  EXPECT_FALSE(s.media_allow_private);
  EXPECT_EQ(s.media_root, "");
  EXPECT_EQ(s.media_max_bytes, 32ll << 20);
  EXPECT_EQ(s.media_timeout_seconds, 20);
  EXPECT_EQ(s.max_media_items, 16);
  EXPECT_EQ(s.max_vision_tokens, 16384);
  EXPECT_EQ(s.prefill_chunk, 512);
  EXPECT_EQ(s.max_request_bytes, 64ll << 20);
  EXPECT_EQ(s.threads, 0);
  EXPECT_EQ(s.log_level, "info");
  EXPECT_EQ(s.log_fmt, log_format::text);
  EXPECT_TRUE(s.ui);
}

TEST(Settings, ValidValuesAreApplied) {
  const settings s = load_env({{"HOST", "127.0.0.1"},
                               {"PORT", "8080"},
                               {"MODEL_REPO_ID", "/models/qwen"},
                               {"MODEL_REVISION", "v1"},
                               {"HF_TOKEN", "hf_abc"},
                               {"MAX_TOKENS", "1024"},
                               {"TEMPERATURE", "0"},
                               {"REASONING_EFFORT_BUDGETS", "high=900,low=10,medium=20"},
                               {"MAX_VIDEO_FRAMES", "32"},
                               {"DEVICE_MAP", "cuda:1"},
                               {"TORCH_DTYPE", "float32"},
                               {"VISION_DTYPE", "bfloat16"},
                               {"WEIGHT_QUANT", "int8"},
                               {"PERSIST_SESSIONS", "0"},
                               {"SESSIONS_DB_PATH", "/tmp/s"},
                               {"SESSIONS_TTL_SECONDS", "60"},
                               {"CANCEL_AFTER_DISCONNECT_SECONDS", "0"},
                               {"MAX_BATCH", "16"},
                               {"MAX_QUEUED", "0"},
                               {"CLUSTER_SECRET", "0123456789abcdef-team"},
                               {"MAX_CONTEXT", "4096"},
                               {"MEDIA_ALLOW_REMOTE", "0"},
                               {"MEDIA_ALLOW_PRIVATE", "1"},
                               {"MEDIA_ROOT", "/srv/media"},
                               {"MEDIA_MAX_BYTES", "2048"},
                               {"MEDIA_TIMEOUT_SECONDS", "5"},
                               {"MAX_MEDIA_ITEMS", "3"},
                               {"MAX_VISION_TOKENS", "999"},
                               {"PREFILL_CHUNK", "128"},
                               {"PREFIX_CACHE_BYTES", "1048576"},
                               {"VISION_CACHE_BYTES", "0"},
                               {"MAX_REQUEST_BYTES", "1048576"},
                               {"THREADS", "2"},
                               {"CLUSTER_PORT", "7001"},
                               {"CLUSTER_HOST", "10.0.0.5"},
                               {"CLUSTER_PEERS", "10.0.0.6:7001,node-b:7002"},
                               {"CLUSTER_ADVERTISE", "node-a.internal:7001"},
                               {"LOG_LEVEL", "debug"},
                               {"LOG_FORMAT", "json"},
                               {"CORS_ORIGINS", "https://a.example, http://localhost:5173"},
                               {"UI", "0"}});
  EXPECT_EQ(s.host, "127.0.0.1");
  EXPECT_EQ(s.port, 8080);
  EXPECT_EQ(s.model_repo_id, "/models/qwen");
  EXPECT_EQ(s.model_revision, "v1");
  EXPECT_EQ(s.hf_token, "hf_abc");
  EXPECT_EQ(s.max_tokens, 1024);
  EXPECT_DOUBLE_EQ(s.temperature, 0.0);
  EXPECT_EQ(s.reasoning_effort_budgets, (effort_budgets{10, 20, 900}));
  EXPECT_EQ(s.max_video_frames, 32);
  EXPECT_EQ(s.device_map, "cuda:1");
  EXPECT_EQ(s.torch_dtype, "float32");
  EXPECT_EQ(s.vision_dtype, "bfloat16");
  EXPECT_EQ(s.weight_quant, "int8");
  EXPECT_FALSE(s.persist_sessions);
  EXPECT_EQ(s.sessions_db_path, "/tmp/s");
  EXPECT_EQ(s.sessions_ttl_seconds, 60);
  EXPECT_EQ(s.cancel_after_disconnect_seconds, 0);
  EXPECT_EQ(s.max_batch, 16);
  EXPECT_EQ(s.max_queued, 0);
  EXPECT_EQ(s.cluster_secret, "0123456789abcdef-team");
  EXPECT_EQ(s.cluster_advertise, "node-a.internal:7001");
  EXPECT_EQ(cluster_advertised_address(s), "node-a.internal:7001");
  EXPECT_EQ(s.max_context, 4096);
  EXPECT_FALSE(s.media_allow_remote);
  EXPECT_TRUE(s.media_allow_private);
  EXPECT_EQ(s.media_root, "/srv/media");
  EXPECT_EQ(s.media_max_bytes, 2048);
  EXPECT_EQ(s.media_timeout_seconds, 5);
  EXPECT_EQ(s.max_media_items, 3);
  EXPECT_EQ(s.prefix_cache_bytes, 1048576);
  EXPECT_EQ(s.vision_cache_bytes, 0);
  EXPECT_EQ(load_settings(env_of({}), {}, {}).prefix_cache_bytes, -1) << "auto by default";
  EXPECT_EQ(load_settings(env_of({{"PREFIX_CACHE_BYTES", "auto"}}), {}, {}).prefix_cache_bytes, -1);
  EXPECT_EQ(s.max_vision_tokens, 999);
  EXPECT_EQ(s.prefill_chunk, 128);
  EXPECT_EQ(s.max_request_bytes, 1048576);
  EXPECT_EQ(s.threads, 2);
  EXPECT_EQ(s.cluster_port, 7001);
  EXPECT_EQ(s.cluster_host, "10.0.0.5");
  EXPECT_EQ(s.cluster_peers, (std::vector<std::string>{"10.0.0.6:7001", "node-b:7002"}));
  EXPECT_EQ(s.log_level, "debug");
  EXPECT_EQ(s.log_fmt, log_format::json);
  EXPECT_EQ(s.cors_origins, (std::vector<std::string>{"https://a.example", "http://localhost:5173"}));
  EXPECT_FALSE(s.ui);
}

TEST(Settings, BooleansAcceptCommonSpellings) {
  EXPECT_TRUE(load_env({{"PERSIST_SESSIONS", "true"}}).persist_sessions);
  EXPECT_TRUE(load_env({{"PERSIST_SESSIONS", "YES"}}).persist_sessions);
  EXPECT_FALSE(load_env({{"PERSIST_SESSIONS", "off"}}).persist_sessions);
}

TEST(Settings, InvalidValuesNameVariableValueAndAccepted) {
  struct bad {
    std::string name, value, accepted;
  };
  const std::vector<bad> cases = {
      {"HOST", "", "non-empty"},
      {"PORT", "abc", "integer in 1..65535"},
      {"PORT", "70000", "integer in 1..65535"},
      {"PORT", "0", "integer in 1..65535"},
      {"PORT", "80x", "integer in 1..65535"},
      {"MODEL_REPO_ID", "", "non-empty"},
      {"MODEL_REVISION", "", "non-empty"},
      {"MAX_TOKENS", "0", "integer in 1.."},
      {"MAX_TOKENS", "-5", "integer in 1.."},
      {"TEMPERATURE", "-1", "number in [0"},
      {"TEMPERATURE", "hot", "number in [0"},
      {"TEMPERATURE", "nan", "number in [0"},
      {"REASONING_EFFORT_BUDGETS", "low=5", "low=N,medium=N,high=N"},
      {"REASONING_EFFORT_BUDGETS", "low=5,medium=4,high=9", "low <= medium <= high"},
      {"REASONING_EFFORT_BUDGETS", "low=5,medium=6,high=9,low=1", "low=N,medium=N,high=N"},
      {"REASONING_EFFORT_BUDGETS", "low=0,medium=6,high=9", "low=N,medium=N,high=N"},
      {"REASONING_EFFORT_BUDGETS", "low=x,medium=6,high=9", "low=N,medium=N,high=N"},
      {"MAX_VIDEO_FRAMES", "0", "integer in 1..768"},
      {"DEVICE_MAP", "gpu", "auto, cpu, cuda or cuda:N"},
      {"DEVICE_MAP", "cuda:x", "auto, cpu, cuda or cuda:N"},
      {"TORCH_DTYPE", "int8", "one of auto|bfloat16|float16|float32"},
      {"VISION_DTYPE", "fp8", "one of auto|bfloat16|float16|float32"},
      {"WEIGHT_QUANT", "int4", "one of none|int8|fp8"},
      {"PERSIST_SESSIONS", "maybe", "1|0"},
      {"SESSIONS_DB_PATH", "", "non-empty"},
      {"SESSIONS_TTL_SECONDS", "0", "integer in 1.."},
      {"CANCEL_AFTER_DISCONNECT_SECONDS", "-1", "integer in 0.."},
      {"MAX_BATCH", "0", "integer in 1..256"},
      {"MAX_QUEUED", "-1", "integer in 0..100000"},
      {"MAX_CONTEXT", "10", "integer in 64.."},
      {"MEDIA_ALLOW_REMOTE", "perhaps", "1|0"},
      {"MEDIA_ALLOW_PRIVATE", "2", "1|0"},
      {"MEDIA_MAX_BYTES", "10", "integer in 1024.."},
      {"MEDIA_TIMEOUT_SECONDS", "0", "integer in 1..600"},
      {"MAX_MEDIA_ITEMS", "-1", "integer in 0..256"},
      {"MAX_VISION_TOKENS", "0", "integer in 1.."},
      {"PREFILL_CHUNK", "0", "integer in 16..65536"},
      {"PREFIX_CACHE_BYTES", "lots", "integer in 0.."},
      {"VISION_CACHE_BYTES", "-5", "integer in 0.."},
      {"PREFIX_CACHE_BYTES", "-1", "integer in 0.."},
      {"MAX_REQUEST_BYTES", "100", "integer in 4096.."},
      {"THREADS", "-2", "integer in 0.."},
      {"CLUSTER_PORT", "70000", "integer in 0..65535"},
      {"CLUSTER_HOST", "", "non-empty"},
      {"CLUSTER_PEERS", "node-b", "host:port"},
      {"CLUSTER_PEERS", "node-b:0", "integer in 1..65535"},
      {"CLUSTER_ADVERTISE", "node-b", "host:port"},
      {"CLUSTER_ADVERTISE", "a:1,b:2", "one host:port, not a list"},
      {"LOG_LEVEL", "loud", "one of trace|debug|info|warn|error|off"},
      {"LOG_FORMAT", "xml", "one of text|json"},
      {"CORS_ORIGINS", "app.example", "origins like https://"},
      {"CORS_ORIGINS", "https://app.example/", "origins like https://"},
      {"UI", "maybe", "1|0"},
  };
  for (const auto& c : cases) {
    const std::string msg = error_for(c.name, c.value);
    EXPECT_NE(msg.find(c.name + "=" + c.value + " is invalid"), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.accepted), std::string::npos) << c.name << ": " << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
  }
}

TEST(Settings, EveryVariableIsCoveredByTheseTests) {
  // If a variable is added, the lists above must grow with it.
  EXPECT_EQ(variables().size(), 45u);
}

TEST(Settings, TheAdvertisedClusterAddressNamesAReachableGate) {
  settings s;
  EXPECT_EQ(cluster_advertised_address(s), "") << "no CLUSTER_PORT, no gate";
  s.cluster_port = 7001;
  EXPECT_EQ(cluster_advertised_address(s), "127.0.0.1:7001");
  s.cluster_host = "0.0.0.0";
  EXPECT_EQ(cluster_advertised_address(s), "") << "a wildcard is nobody's address";
  s.cluster_host = "::";
  EXPECT_EQ(cluster_advertised_address(s), "");
  s.cluster_advertise = "10.1.2.3:7001";
  EXPECT_EQ(cluster_advertised_address(s), "10.1.2.3:7001");
}

TEST(Settings, PrecedenceIsDefaultsThenDotenvThenEnvThenFlags) {
  EXPECT_EQ(load_settings(env_of({}), {{"PORT", "1111"}}, {}).port, 1111);
  EXPECT_EQ(load_settings(env_of({{"PORT", "2222"}}), {{"PORT", "1111"}}, {}).port, 2222);
  EXPECT_EQ(load_settings(env_of({{"PORT", "2222"}}), {{"PORT", "1111"}}, {{"PORT", "3333"}}).port, 3333);
}

TEST(Settings, FlagsAreTakenOutOfArguments) {
  std::vector<std::string> args = {"--port", "9000", "--model-repo-id=/m", "--other", "x"};
  const auto flags = take_config_flags(args);
  EXPECT_EQ(flags.at("PORT"), "9000");
  EXPECT_EQ(flags.at("MODEL_REPO_ID"), "/m");
  EXPECT_EQ(args, (std::vector<std::string>{"--other", "x"}));
  std::vector<std::string> dangling = {"--port"};
  EXPECT_THROW(take_config_flags(dangling), config_error);
}

TEST(Settings, AShortClusterSecretIsRefusedWithoutEchoingIt) {
  const std::string msg = error_for("CLUSTER_SECRET", "too-short-123");
  EXPECT_NE(msg.find("CLUSTER_SECRET must be at least 16 characters"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("too-short-123"), std::string::npos) << msg;
}

TEST(Settings, DescribeRedactsSecrets) {
  const settings s = load_env({{"HF_TOKEN", "hf_secret_value"}, {"CLUSTER_SECRET", "cluster-secret-value-123"}});
  bool saw_token_line = false;
  for (const auto& line : describe(s)) {
    EXPECT_EQ(line.find("hf_secret_value"), std::string::npos);
    EXPECT_EQ(line.find("cluster-secret-value-123"), std::string::npos);
    if (line.rfind("HF_TOKEN=", 0) == 0) {
      saw_token_line = true;
      EXPECT_EQ(line, "HF_TOKEN=<redacted>");
    }
  }
  EXPECT_TRUE(saw_token_line);
  for (const auto& line : describe(load_env({})))
    if (line.rfind("HF_TOKEN=", 0) == 0) {
      EXPECT_EQ(line, "HF_TOKEN=<unset>");
    }
}
