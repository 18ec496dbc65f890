// The official `openai` npm client against the real server: non-streaming and streaming answers of
// the text fixture cases equal what `vlserve generate` decodes from the same request (greedy), and
// those ids equal the reference implementation's generated_ids.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/json.hpp"
#include "tests/e2e/e2e_server.hpp"

using namespace vlserve::testing;

namespace {

// `vlserve generate` prints one JSON object on stdout (the child's log holds stdout and stderr).
rapidjson::Document run_generate(const std::string& request_path) {
  child_process gen(vlserve_binary(),
                    {"generate", "--model", fixtures_dir() + "/qwen3vl-tiny/model", "--request", request_path},
                    {}, request_path + ".generate.log");
  const auto rc = gen.wait_for_exit(60000);
  if (rc != 0) throw std::runtime_error("vlserve generate failed:\n" + gen.log());
  std::istringstream lines(gen.log());
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("{\"prompt\"", 0) == 0) return parse_object(line);
  throw std::runtime_error("no JSON result in vlserve generate output:\n" + gen.log());
}

std::string str_or_empty(const rapidjson::Value& v, const char* key) {
  if (!v.HasMember(key) || v[key].IsNull()) return "<null>";
  return v[key].GetString();
}

class OpenAiClient : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() { server_ = new e2e_server(fresh_dir("openai_client_db"), {}, "openai_client.log"); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static e2e_server* server_;
};
e2e_server* OpenAiClient::server_ = nullptr;

TEST_P(OpenAiClient, StreamingAndNonStreamingMatchGenerate) {
  const std::string case_name = GetParam();
  const auto dir = fresh_dir("openai_" + case_name);
  const auto request_path = dir + "/request.json";
  const auto request = with_field(fixture_request(case_name), "temperature", "0");
  { std::ofstream(request_path) << request; }

  const auto expected = run_generate(request_path);
  const auto reference_ids = fixture_generated_ids(case_name);
  std::vector<int32_t> generated;
  for (const auto& v : expected["generated_ids"].GetArray()) generated.push_back(v.GetInt());
  ASSERT_EQ(generated, reference_ids) << "vlserve generate diverged from the reference ids";
  const std::string want_reasoning = expected["reasoning_content"].GetString();
  const std::string want_content = expected["content"].GetString();
  const std::string want_finish = expected["finish_reason"].GetString();
  const auto& want_usage = expected["usage"];
  ASSERT_EQ(want_usage["prompt_tokens"].GetUint(), expected["input_ids"].Size());

  std::string node;
  ASSERT_NO_THROW(node = find_on_path("node")) << "node is not on PATH; run scripts/setup.sh";
  const char* scripts = std::getenv("VLSERVE_NODE_SCRIPTS");
  ASSERT_NE(scripts, nullptr) << "VLSERVE_NODE_SCRIPTS is not set (run through meson test)";
  const auto out_path = dir + "/client.json";
  child_process client(node, {std::string(scripts) + "/openai_chat.mjs", std::to_string(server_->port()),
                              request_path, out_path},
                       {}, dir + "/node.log");
  const auto rc = client.wait_for_exit(60000);
  ASSERT_EQ(rc, 0) << client.log();
  const auto got = parse_object(read_text(out_path));

  for (const char* mode : {"non_streaming", "streaming"}) {
    SCOPED_TRACE(mode);
    const auto& r = got[mode];
    EXPECT_EQ(str_or_empty(r, "reasoning_content"), want_reasoning);
    EXPECT_EQ(str_or_empty(r, "content"), want_content);
    EXPECT_EQ(str_or_empty(r, "finish_reason"), want_finish);
    ASSERT_TRUE(r["usage"].IsObject());
    EXPECT_EQ(r["usage"]["prompt_tokens"].GetInt(), want_usage["prompt_tokens"].GetInt());
    EXPECT_EQ(r["usage"]["completion_tokens"].GetInt(), int(reference_ids.size()));
    EXPECT_EQ(r["usage"]["total_tokens"].GetInt(), want_usage["total_tokens"].GetInt());
    EXPECT_EQ(r["usage"]["completion_tokens_details"]["reasoning_tokens"].GetInt(),
              want_usage["completion_tokens_details"]["reasoning_tokens"].GetInt());
  }
  EXPECT_STREQ(got["non_streaming"]["object"].GetString(), "chat.completion");
  const auto& s = got["streaming"];
  ASSERT_EQ(s["objects"].Size(), 1u);
  EXPECT_STREQ(s["objects"][0].GetString(), "chat.completion.chunk");
  // One chunk per token at most, plus the usage chunk; fewer when a token decodes to nothing yet.
  EXPECT_GE(s["chunks"].GetInt(), 2);
  EXPECT_LE(s["chunks"].GetInt(), int(reference_ids.size()) + 2);
}

INSTANTIATE_TEST_SUITE_P(TextCases, OpenAiClient, ::testing::Values("text_single", "text_multiturn"));

}  // namespace
