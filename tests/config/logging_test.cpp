// A token must never reach the log: not through the config dump, not through a careless message.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>

#include "config/load.hpp"
#include "config/logging.hpp"

using namespace vlserve::config;

namespace {
settings with_token(const std::string& token, log_format fmt) {
  settings s;
  s.hf_token = token;
  s.log_fmt = fmt;
  return s;
}
}  // namespace

TEST(Logging, TokenNeverReachesTheLog) {
  for (auto fmt : {log_format::text, log_format::json}) {
    std::ostringstream out;
    const std::string token = "hf_SuperSecretToken123";
    const settings s = with_token(token, fmt);
    setup_logging(s, &out);
    for (const auto& line : describe(s)) spdlog::info("config {}", line);
    spdlog::warn("download failed with Authorization: Bearer {}", token);  // a careless message
    spdlog::error("url https://x/?token={}&y=1", token);
    spdlog::default_logger()->flush();
    const std::string log = out.str();
    EXPECT_EQ(log.find(token), std::string::npos) << log;
    EXPECT_NE(log.find("HF_TOKEN=<redacted>"), std::string::npos);
    EXPECT_NE(log.find("Bearer <redacted>"), std::string::npos);
  }
}

TEST(Logging, SecretsAddedLaterAreScrubbedToo) {
  std::ostringstream out;
  setup_logging(settings{}, &out);
  add_log_secret("late-secret");
  spdlog::info("value late-secret here");
  EXPECT_EQ(out.str().find("late-secret"), std::string::npos);
  EXPECT_NE(out.str().find("value <redacted> here"), std::string::npos);
}

TEST(Logging, JsonLinesAreEscaped) {
  std::ostringstream out;
  settings s;
  s.log_fmt = log_format::json;
  setup_logging(s, &out);
  spdlog::info("quote \" and\nnewline");
  const std::string line = out.str();
  EXPECT_NE(line.find("\"msg\":\"quote \\\" and\\nnewline\""), std::string::npos) << line;
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
  EXPECT_NE(line.find("\"level\":\"info\""), std::string::npos);
}

TEST(Logging, ScrubReplacesEveryOccurrence) {
  EXPECT_EQ(scrub("aXbXc", {"X"}), "a<redacted>b<redacted>c");
  EXPECT_EQ(scrub("nothing", {""}), "nothing");
}
