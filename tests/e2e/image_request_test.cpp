// Images through the HTTP API: the fixture's image request gets the reference's greedy tokens
// (built off the reactor by the media prompt actor), a broken image gets a 400 naming its
// content part, and a text stream started beside them is not held up.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "config/json.hpp"
#include "tests/e2e/e2e_server.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"

using namespace vlserve::testing;

namespace {

rapidjson::Document parse(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.c_str());
  return d;
}

}  // namespace

TEST(ImageRequest, ReferenceTokensAndPerPartErrors) {
  e2e_server server(fresh_dir("image_request"), {}, "vlserve_image.log");
  const auto port = server.port();

  // The image case through the server equals the reference's greedy continuation.
  const auto body = with_field(fixture_request("image_single"), "logprobs", "false");
  const auto r = http_request(port, "POST", "/v1/chat/completions", body, {{"Content-Type", "application/json"}},
                              120000);
  ASSERT_EQ(r.status, 200) << r.body << "\n" << server.log();
  const auto d = parse(r.body);
  ASSERT_FALSE(d.HasParseError()) << r.body;
  EXPECT_EQ(d["usage"]["prompt_tokens"].GetInt(), 88);
  EXPECT_EQ(d["usage"]["completion_tokens"].GetInt(), int(fixture_generated_ids("image_single").size()));
  // The tiny model never closes </think>, so the whole reference text is reasoning (leading newlines
  // dropped by the split).
  const auto fixture = parse(read_text(fixtures_dir() + "/qwen3vl-tiny/cases/image_single.json"));
  std::string want = fixture["generated_text_skip_special_tokens"].GetString();
  want.erase(0, want.find_first_not_of('\n'));
  const auto& msg = d["choices"][0]["message"];
  EXPECT_EQ(std::string(msg["reasoning_content"].GetString()), want);
  EXPECT_EQ(std::string(msg["content"].GetString()), "");

  // A broken image: 400 naming messages[0].content[0].image_url.
  const std::string bad = R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}},{"type":"text","text":"what is this"}]}]})";
  const auto e = http_request(port, "POST", "/v1/chat/completions", bad, {{"Content-Type", "application/json"}}, 30000);
  EXPECT_EQ(e.status, 400) << e.body;
  const auto ed = parse(e.body);
  ASSERT_FALSE(ed.HasParseError()) << e.body;
  EXPECT_STREQ(ed["error"]["param"].GetString(), "messages[0].content[0].image_url") << e.body;
  EXPECT_STREQ(ed["error"]["type"].GetString(), "invalid_request_error");

  // The same failure on a streaming request still gets a real 400 (no SSE headers sent yet).
  const auto es = http_request(port, "POST", "/v1/chat/completions", with_field(bad, "stream", "true"),
                               {{"Content-Type", "application/json"}}, 30000);
  EXPECT_EQ(es.status, 400) << es.body;

  // Text requests are still served.
  const auto t = http_request(port, "POST", "/v1/chat/completions",
                              R"({"messages":[{"role":"user","content":"Hi"}],"max_tokens":3,"temperature":0})",
                              {{"Content-Type", "application/json"}}, 30000);
  EXPECT_EQ(t.status, 200) << t.body;
}

// VISION_DTYPE under a bfloat16 engine: `auto` runs the tower in float32 on a CPU without
// AVX512-BF16 and in bfloat16 with it (decided here from the CPU's flags), and the features reach
// the bf16 decoder either way. The tiny fixture amplifies rounding, so the two towers' answers
// usually differ; `auto` must give exactly the answer of the dtype it stands for.
TEST(ImageRequest, VisionDtypeAutoRunsTheTowerInTheDtypeTheCpuCalls) {
  const auto body = with_field(with_field(fixture_request("image_single"), "logprobs", "false"), "max_tokens", "12");
  const bool native_bf16 = std::getenv("VLSERVE_GEMV") == nullptr && __builtin_cpu_supports("avx512bf16");
  auto answer = [&](const std::string& vision_dtype, const std::string& tower_dtype) {
    e2e_server server(fresh_dir("vision_dtype_" + vision_dtype),
                      {{"TORCH_DTYPE", "bfloat16"}, {"VISION_DTYPE", vision_dtype}},
                      "vlserve_vision_dtype_" + vision_dtype + ".log");
    const auto r = http_request(server.port(), "POST", "/v1/chat/completions", body,
                                {{"Content-Type", "application/json"}}, 120000);
    EXPECT_EQ(r.status, 200) << r.body << "\n" << server.log();
    const auto d = parse(r.body);
    EXPECT_FALSE(d.HasParseError()) << r.body;
    if (d.HasParseError() || !d.HasMember("choices")) return std::string();
    EXPECT_NE(server.log().find("vision tower in " + tower_dtype), std::string::npos) << server.log();
    return std::string(d["choices"][0]["message"]["reasoning_content"].GetString());
  };
  const std::string f32 = answer("float32", "float32"), bf16 = answer("bfloat16", "bfloat16");
  const std::string automatic = answer("auto", native_bf16 ? "bfloat16" : "float32");
  ASSERT_FALSE(f32.empty());
  ASSERT_FALSE(bf16.empty());
  EXPECT_EQ(automatic, native_bf16 ? bf16 : f32);
}
