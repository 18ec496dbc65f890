// `vlserve generate --dtype float32 --dump` on every fixture case (text, images, video), compared
// with the reference: input_ids, position_ids and grids exact, pixel values within 1e-5,
// logits_last4 within 2e-2, greedy tokens identical.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>

#include "config/json.hpp"
#include "model/checkpoint/safetensors_file.hpp"
#include "tests/support/child_process.hpp"

using namespace vlserve;
using namespace vlserve::testing;

namespace {

template <class T>
std::vector<T> values(const model::tensor_view& t) {
  std::vector<T> out(size_t(t.numel()));
  std::memcpy(out.data(), t.data, out.size() * sizeof(T));
  return out;
}

std::string read(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

class GenerateCase : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(GenerateCase, MatchesTheReference) {
  const std::string name = GetParam();
  const std::string cases = fixtures_dir() + "/qwen3vl-tiny/cases/";
  rapidjson::Document doc;
  doc.Parse(read(cases + name + ".json").c_str());
  ASSERT_FALSE(doc.HasParseError());
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  doc["request"].Accept(w);
  const std::string request_path = ::testing::TempDir() + name + "_request.json";
  const std::string dump_path = ::testing::TempDir() + name + "_dump.safetensors";
  std::ofstream(request_path) << sb.GetString();

  child_process gen(vlserve_binary(),
                    {"generate", "--model", fixtures_dir() + "/qwen3vl-tiny/model", "--request", request_path,
                     "--dtype", "float32", "--dump", dump_path},
                    {}, ::testing::TempDir() + name + "_generate.log");
  const auto rc = gen.wait_for_exit(120000);
  ASSERT_TRUE(rc.has_value());
  ASSERT_EQ(*rc, 0) << gen.log();

  rapidjson::Document out;
  const auto log = gen.log();
  out.Parse(log.c_str());
  ASSERT_FALSE(out.HasParseError()) << log;
  EXPECT_EQ(std::string(out["prompt"].GetString()), std::string(doc["prompt"].GetString()));

  model::safetensors_file golden(cases + name + ".safetensors");
  model::safetensors_file dump(dump_path);
  EXPECT_EQ(values<int64_t>(dump.get("input_ids")), values<int64_t>(golden.get("input_ids")));
  EXPECT_EQ(values<int64_t>(dump.get("position_ids")), values<int64_t>(golden.get("position_ids")));
  EXPECT_EQ(values<int64_t>(dump.get("rope_deltas")), values<int64_t>(golden.get("rope_deltas")));
  EXPECT_EQ(values<int64_t>(dump.get("generated_ids")), values<int64_t>(golden.get("generated_ids")));
  const auto got = values<float>(dump.get("logits_last4"));
  const auto want = values<float>(golden.get("logits_last4"));
  ASSERT_EQ(got.size(), want.size());
  float worst = 0;
  for (size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::fabs(got[i] - want[i]));
  EXPECT_LT(worst, 2e-2f) << "max |logits_last4 - reference|";

  // Multimodal cases: the processor's tensors too.
  for (const char* name : {"pixel_values", "pixel_values_videos"}) {
    if (!golden.find(name)) continue;
    ASSERT_TRUE(dump.find(name)) << name << " missing from the dump";
    const auto g = values<float>(golden.get(name));
    const auto d = values<float>(dump.get(name));
    ASSERT_EQ(g.size(), d.size()) << name;
    float worst_px = 0;
    for (size_t i = 0; i < g.size(); ++i) worst_px = std::max(worst_px, std::fabs(g[i] - d[i]));
    EXPECT_LT(worst_px, 1e-5f) << name;
  }
  for (const char* name : {"image_grid_thw", "video_grid_thw"})
    if (golden.find(name)) EXPECT_EQ(values<int64_t>(dump.get(name)), values<int64_t>(golden.get(name))) << name;

  std::vector<int> printed;
  for (const auto& v : out["generated_ids"].GetArray()) printed.push_back(v.GetInt());
  const auto want_ids = values<int64_t>(golden.get("generated_ids"));
  EXPECT_EQ(std::vector<int64_t>(printed.begin(), printed.end()), want_ids);
}

INSTANTIATE_TEST_SUITE_P(AllCases, GenerateCase,
                         ::testing::Values("text_single", "text_multiturn", "image_single", "image_two",
                                           "video_single", "image_and_video"));
