// API keys: parsing, the key file, and that no key (from either source) reaches the log.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "config/api_keys.hpp"
#include "config/config_error.hpp"
#include "config/load.hpp"
#include "config/logging.hpp"

using namespace vlserve::config;

namespace {

settings load_env(std::map<std::string, std::string> vars) {
  return load_settings(
      [vars](const std::string& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
      },
      {}, {});
}

std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST(ApiKeys, CommaSeparatedKeysAreTrimmed) {
  EXPECT_EQ(parse_api_keys("API_KEY", " k-one ,k-two,, "), (std::vector<std::string>{"k-one", "k-two"}));
  EXPECT_TRUE(parse_api_keys("API_KEY", "").empty());
  EXPECT_TRUE(load_env({}).api_keys.empty());
}

TEST(ApiKeys, BadKeysAreRefusedWithoutEchoingThem) {
  try {
    load_env({{"API_KEY", "good,bad key\x01"}});
    FAIL() << "expected config_error";
  } catch (const config_error& e) {
    EXPECT_NE(std::string(e.what()).find("API_KEY"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find("bad key"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_env({{"API_KEY", std::string(600, 'k')}}), config_error);
}

TEST(ApiKeys, FileKeysAreAddedToTheEnvironmentKeys) {
  const auto path = write_file("keys.txt", "# team keys\nfile-key-1\r\n\n  file-key-2  \n");
  const auto s = load_env({{"API_KEY", "env-key"}, {"API_KEY_FILE", path}});
  EXPECT_EQ(s.api_keys, (std::vector<std::string>{"env-key", "file-key-1", "file-key-2"}));
  EXPECT_EQ(s.api_key_file, path);
}

TEST(ApiKeys, UnreadableOrEmptyFileIsAnError) {
  EXPECT_THROW(load_env({{"API_KEY_FILE", "/nonexistent/keys"}}), config_error);
  EXPECT_THROW(load_env({{"API_KEY_FILE", write_file("empty-keys.txt", "# nothing\n")}}), config_error);
}

TEST(ApiKeys, NoKeyReachesTheLog) {
  const auto path = write_file("log-keys.txt", "from-file-secret-1\n");
  const auto s = load_env({{"API_KEY", "env-secret-a,env-secret-b"}, {"API_KEY_FILE", path}});
  std::ostringstream out;
  setup_logging(s, &out);
  for (const auto& line : describe(s)) spdlog::info("config {}", line);
  spdlog::warn("Authorization: Bearer env-secret-b and from-file-secret-1, env-secret-a");
  spdlog::default_logger()->flush();
  const auto log = out.str();
  for (const auto* key : {"env-secret-a", "env-secret-b", "from-file-secret-1"})
    EXPECT_EQ(log.find(key), std::string::npos) << key << " in\n" << log;
  EXPECT_NE(log.find("API_KEY=<redacted>"), std::string::npos) << log;
}

TEST(ApiKeys, ProtectMetricsIsABoolean) {
  EXPECT_FALSE(load_env({}).protect_metrics);
  EXPECT_TRUE(load_env({{"PROTECT_METRICS", "1"}}).protect_metrics);
  EXPECT_THROW(load_env({{"PROTECT_METRICS", "maybe"}}), config_error);
}
