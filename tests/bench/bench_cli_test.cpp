// Runs the real vlserve binary: `bench` on the tiny fixture with tiny settings must print its table
// and a parseable JSON line last; `random-checkpoint` must write a directory bench can use; bad
// flags exit 2 with a message naming the flag. No timing assertions (the machine is shared).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "config/json.hpp"
#include "tests/checkpoint/temp_dir.hpp"
#include "tests/support/child_process.hpp"

namespace vlserve::testing {
namespace {

struct run_result {
  int rc = -1;
  std::string output;
};

run_result run_vlserve(const std::vector<std::string>& args, int timeout_ms = 120000) {
  child_process p(vlserve_binary(), args, {}, ::testing::TempDir() + "vlserve_bench_cli.log");
  const auto rc = p.wait_for_exit(timeout_ms);
  return {rc.value_or(-1), p.log()};
}

std::string last_json_line(const std::string& output) {
  std::istringstream in(output);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty() && line[0] == '{') last = line;
  return last;
}

std::string tiny_model() { return fixtures_dir() + "/qwen3vl-tiny/model"; }

TEST(BenchCli, TinyModelPrintsTableAndJson) {
  const auto r = run_vlserve({"bench", "--model", tiny_model(), "--prompt", "16", "--decode", "4",
                              "--repeat", "1", "--batches", "1,2", "--bandwidth-mib", "8"});
  ASSERT_EQ(r.rc, 0) << r.output;
  EXPECT_NE(r.output.find("aggregate tok/s"), std::string::npos) << r.output;
  rapidjson::Document doc;
  doc.Parse(last_json_line(r.output).c_str());
  ASSERT_FALSE(doc.HasParseError()) << r.output;
  EXPECT_STREQ(doc["dtype"].GetString(), "bfloat16");
  EXPECT_EQ(doc["prompt_tokens"].GetInt64(), 16);
  EXPECT_GT(doc["bandwidth_gbs"].GetDouble(), 0.0);
  EXPECT_GT(doc["prompt_tok_s"].GetDouble(), 0.0);
  EXPECT_GT(doc["gemm_gflops"].GetDouble(), 0.0);
  EXPECT_GT(doc["gemm_gflops_float32"].GetDouble(), 0.0);
  // The bound is the better of the two probes.
  EXPECT_EQ(doc["prefill_peak_gflops"].GetDouble(),
            std::max(doc["gemm_gflops"].GetDouble(), doc["gemm_gflops_float32"].GetDouble()));
  const int64_t per_layer = 2 * 64 + 2 * 128 * 64 + 2 * 64 * 64 + 2 * 32 + 3 * 128 * 64;
  EXPECT_EQ(doc["bytes_per_decode_token"].GetInt64(), 2 * (4 * per_layer + 64 + 151936 * 64));
  const auto& decode = doc["decode"];
  ASSERT_EQ(decode.Size(), 2u);
  EXPECT_EQ(decode[0]["batch"].GetInt64(), 1);
  EXPECT_EQ(decode[1]["batch"].GetInt64(), 2);
  for (const auto& d : decode.GetArray()) {
    EXPECT_GT(d["tok_s"].GetDouble(), 0.0);
    EXPECT_TRUE(std::isfinite(d["ratio"].GetDouble()));
  }
}

TEST(BenchCli, RandomCheckpointFeedsBench) {
  temp_dir dir;
  const std::string out = dir.file("random-tiny");
  auto r = run_vlserve({"random-checkpoint", "--out", out, "--shape", "tiny", "--seed", "9",
                        "--tokenizer-from", tiny_model()});
  ASSERT_EQ(r.rc, 0) << r.output;
  EXPECT_NE(r.output.find("tensors"), std::string::npos) << r.output;
  r = run_vlserve({"bench", "--model", out, "--dtype", "float32", "--prompt", "8", "--decode", "2",
                   "--repeat", "1", "--batches", "3", "--bandwidth-mib", "4"});
  ASSERT_EQ(r.rc, 0) << r.output;
  rapidjson::Document doc;
  doc.Parse(last_json_line(r.output).c_str());
  ASSERT_FALSE(doc.HasParseError()) << r.output;
  EXPECT_STREQ(doc["dtype"].GetString(), "float32");
  EXPECT_EQ(doc["decode"][0]["batch"].GetInt64(), 3);
}

TEST(BenchCli, VisionTimesTheTowerAgainstTheSameRunsGemmPeak) {
  const auto r = run_vlserve({"bench", "--model", tiny_model(), "--prompt", "8", "--decode", "2", "--repeat", "1",
                              "--batches", "1", "--bandwidth-mib", "4", "--vision", "2x4x6"});
  ASSERT_EQ(r.rc, 0) << r.output;
  EXPECT_NE(r.output.find("ratio to bound"), std::string::npos) << r.output;
  rapidjson::Document doc;
  doc.Parse(last_json_line(r.output).c_str());
  ASSERT_FALSE(doc.HasParseError()) << r.output;
  ASSERT_TRUE(doc.HasMember("vision")) << r.output;
  const auto& v = doc["vision"][0];
  EXPECT_EQ(v["t"].GetInt64(), 2);
  EXPECT_EQ(v["h"].GetInt64(), 4);
  EXPECT_EQ(v["w"].GetInt64(), 6);
  // The fixture tower (depth 4, width 64, MLP 128, 3 deepstack mergers) on 48 patches in two
  // frames of 24: patch embedding 2·48·1536·64, per block 2·48·64·512 of projections and
  // 4·2·24²·64 of attention, four mergers of 2·12·(256² + 256·64).
  const double flops = 2.0 * 48 * 1536 * 64 + 4 * (2.0 * 48 * 64 * 512 + 4.0 * 2 * 24 * 24 * 64) +
                       4 * (2.0 * 12 * (256 * 256 + 256 * 64));
  EXPECT_NEAR(v["gflop"].GetDouble(), flops / 1e9, 1e-9);
  EXPECT_GT(v["seconds"].GetDouble(), 0.0);
  EXPECT_GT(doc["vision_gemm_gflops_float32"].GetDouble(), 0.0);
  EXPECT_TRUE(std::isfinite(v["ratio"].GetDouble()));
}

TEST(BenchCli, BadArgumentsExitTwoNamingTheProblem) {
  auto r = run_vlserve({"bench", "--model", tiny_model(), "--batches", "1,x"});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.output.find("--batches"), std::string::npos) << r.output;
  r = run_vlserve({"bench", "--model", tiny_model(), "--vision", "1x3x4"});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.output.find("--vision grids need even h and w"), std::string::npos) << r.output;
  r = run_vlserve({"bench", "--model", tiny_model(), "--vision", "1x30"});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.output.find("--vision takes grids like 1x30x40"), std::string::npos) << r.output;
  r = run_vlserve({"bench", "--prompt", "16"});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.output.find("--model is required"), std::string::npos) << r.output;
  r = run_vlserve({"bench", "--model", tiny_model(), "--bogus", "1"});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.output.find("--bogus"), std::string::npos) << r.output;
  r = run_vlserve({"random-checkpoint", "--out", "/tmp/unused", "--shape", "huge"});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.output.find("huge"), std::string::npos) << r.output;
  r = run_vlserve({"bench", "--model", fixtures_dir() + "/no-such-model", "--bandwidth-mib", "2",
                   "--repeat", "1"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.output.find("no-such-model"), std::string::npos) << r.output;
}

TEST(BenchCli, EverySubcommandHasItsOwnHelp) {
  auto r = run_vlserve({"--help"});
  EXPECT_EQ(r.rc, 0);
  for (const char* cmd : {"generate", "bench", "random-checkpoint", "COMMAND --help"})
    EXPECT_NE(r.output.find(std::string("vlserve ") + cmd), std::string::npos) << cmd << "\n" << r.output;
  for (const char* cmd : {"generate", "bench", "random-checkpoint"}) {
    r = run_vlserve({cmd, "--help"});
    EXPECT_EQ(r.rc, 0) << cmd;
    EXPECT_NE(r.output.find(std::string("usage: vlserve ") + cmd), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("PREFILL_CHUNK"), std::string::npos) << cmd << " printed serve's help";
  }
  r = run_vlserve({"serve", "--help"});
  EXPECT_EQ(r.rc, 0);
  EXPECT_NE(r.output.find("PREFILL_CHUNK"), std::string::npos) << "serve's help lists its variables";
}

}  // namespace
}  // namespace vlserve::testing
