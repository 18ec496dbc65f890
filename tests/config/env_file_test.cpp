#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "config/config_error.hpp"
#include "config/env_file.hpp"

using namespace vlserve::config;

TEST(EnvFile, ParsesCommentsQuotesAndExport) {
  const auto m = parse_env_text(
      "# comment\n\nPORT=8080\nexport HOST=127.0.0.1\nMODEL_REPO_ID=\"Qwen/X Y\"\nHF_TOKEN='a#b'\n"
      "MAX_TOKENS=12 # trailing comment\nEMPTY=\n");
  EXPECT_EQ(m.at("PORT"), "8080");
  EXPECT_EQ(m.at("HOST"), "127.0.0.1");
  EXPECT_EQ(m.at("MODEL_REPO_ID"), "Qwen/X Y");
  EXPECT_EQ(m.at("HF_TOKEN"), "a#b");
  EXPECT_EQ(m.at("MAX_TOKENS"), "12");
  EXPECT_EQ(m.at("EMPTY"), "");
}

TEST(EnvFile, RejectsLinesWithoutEquals) {
  try {
    parse_env_text("PORT=1\nGARBAGE\n");
    FAIL() << "expected config_error";
  } catch (const config_error& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos);
  }
}

TEST(EnvFile, MissingFileIsEmpty) { EXPECT_TRUE(read_env_file("/nonexistent/.env").empty()); }

TEST(EnvFile, ReadsAFile) {
  const std::string path = ::testing::TempDir() + "vlserve_env_test.env";
  std::ofstream(path) << "PORT=4242\n";
  EXPECT_EQ(read_env_file(path).at("PORT"), "4242");
  std::remove(path.c_str());
}
