#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "model/serving/memory_check.hpp"
#include "tests/support/child_process.hpp"

using namespace vlserve::model;

TEST(MemoryCheck, EstimatesFromTheSafetensorsFiles) {
  const auto dir = vlserve::testing::fixtures_dir() + "/qwen3vl-tiny/model";
  const auto file = std::filesystem::file_size(dir + "/model.safetensors");
  EXPECT_EQ(estimate_weight_bytes(dir, "bfloat16"), file);
  EXPECT_EQ(estimate_weight_bytes(dir, "float32"), 2 * file);
}

// The tower's share, summed here straight from the safetensors header's data offsets.
TEST(MemoryCheck, CountsTheVisionTowersBytes) {
  const auto dir = vlserve::testing::fixtures_dir() + "/qwen3vl-tiny/model";
  std::ifstream f(dir + "/model.safetensors", std::ios::binary);
  uint64_t header_len = 0;
  f.read(reinterpret_cast<char*>(&header_len), 8);
  std::string header(header_len, '\0');
  f.read(header.data(), std::streamsize(header_len));
  rapidjson::Document doc;
  doc.Parse(header.c_str());
  ASSERT_TRUE(doc.IsObject());
  uint64_t expected = 0;
  for (const auto& m : doc.GetObject()) {
    const std::string name = m.name.GetString();
    if (name.rfind("model.visual.", 0) != 0) continue;
    const auto& off = m.value["data_offsets"];
    expected += off[1].GetUint64() - off[0].GetUint64();
  }
  ASSERT_GT(expected, 0u);
  EXPECT_EQ(vision_weight_bytes(dir), expected);
  EXPECT_LT(vision_weight_bytes(dir), std::filesystem::file_size(dir + "/model.safetensors"));
}

TEST(MemoryCheck, ReadsAvailableMemory) {
  const auto a = available_memory_bytes();
  ASSERT_TRUE(a.has_value());
  EXPECT_GT(*a, 0u);
}

TEST(MemoryCheck, RefusesWhatDoesNotFitWithAdvice) {
  const uint64_t gib = 1ull << 30;
  EXPECT_NO_THROW(check_memory_fits(4 * gib, 20 * gib, "bfloat16"));
  try {
    check_memory_fits(9 * gib, 8 * gib, "float32");
    FAIL() << "expected a refusal";
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("TORCH_DTYPE=bfloat16"), std::string::npos) << msg;
    EXPECT_NE(msg.find("8.0 GiB"), std::string::npos) << msg;
  }
  EXPECT_THROW(check_memory_fits(8 * gib, 8 * gib, "bfloat16"), std::runtime_error) << "no room for the margin";
}
