// POST /tokenize and /detokenize through the real server (vLLM's and llama.cpp's field names), with
// the API key they need like /v1 and 400s for bad input.
#include <gtest/gtest.h>

#include "config/json.hpp"
#include "tests/e2e/e2e_server.hpp"
#include "tests/support/http_client.hpp"

using namespace vlserve::testing;

namespace {

const std::map<std::string, std::string> kAuth = {{"Authorization", "Bearer sk-tokenize-e2e"}};

rapidjson::Document json(const http_response& r) {
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  return d;
}

TEST(Tokenize, TextToIdsAndBack) {
  e2e_server server(fresh_dir("tokenize_db"), {{"API_KEY", "sk-tokenize-e2e"}}, "tokenize.log");
  const auto port = server.port();
  EXPECT_EQ(http_request(port, "POST", "/tokenize", R"({"prompt":"Hello world"})").status, 401);

  const auto t = http_request(port, "POST", "/tokenize", R"({"prompt":"Hello world"})", kAuth);
  ASSERT_EQ(t.status, 200) << t.body;
  auto d = json(t);
  ASSERT_TRUE(d.IsObject() && d["tokens"].IsArray()) << t.body;
  std::vector<int> ids;
  for (const auto& v : d["tokens"].GetArray()) ids.push_back(v.GetInt());
  EXPECT_EQ(ids, (std::vector<int>{9707, 1879})) << "Qwen's ids for \"Hello\" and \" world\"";
  EXPECT_EQ(d["count"].GetInt(), 2);
  EXPECT_EQ(d["max_model_len"].GetInt(), 16384);
  // llama.cpp's field name gives the same ids.
  EXPECT_EQ(json(http_request(port, "POST", "/tokenize", R"({"content":"Hello world"})", kAuth))["count"].GetInt(), 2);

  const auto back = http_request(port, "POST", "/detokenize", R"({"tokens":[9707,1879]})", kAuth);
  ASSERT_EQ(back.status, 200) << back.body;
  d = json(back);
  EXPECT_STREQ(d["prompt"].GetString(), "Hello world");
  EXPECT_STREQ(d["content"].GetString(), "Hello world");

  for (const auto& [path, body] : std::vector<std::pair<std::string, std::string>>{
           {"/tokenize", "{}"}, {"/tokenize", R"({"prompt":42})"}, {"/tokenize", "[1]"}, {"/tokenize", "{"},
           {"/detokenize", R"({"tokens":"x"})"}, {"/detokenize", R"({"tokens":[-1]})"},
           {"/detokenize", R"({"tokens":[1.5]})"}, {"/detokenize", R"({"tokens":[99999999999]})"},
           // Fields the route does not read are refused, not ignored; deep nesting is a 400, not a crash.
           {"/tokenize", R"({"prompt":"a","add_special_tokens":false})"}, {"/tokenize", R"({"prompt":"a","content":"b"})"},
           {"/detokenize", std::string(2000000, '[')}}) {
    const auto r = http_request(port, "POST", path, body, kAuth);
    EXPECT_EQ(r.status, 400) << path << " " << body << " " << r.body;
    EXPECT_TRUE(json(r).IsObject() && json(r).HasMember("error")) << r.body;
  }
}

}  // namespace
