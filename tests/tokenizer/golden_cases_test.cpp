// Every golden case from the reference tokenizer (transformers / HF tokenizers): exact ids, token
// spellings, and both decodes; plus the prompts of the fixture model's text cases.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/tokenizer/byte_level.hpp"
#include "tests/tokenizer/tokenizer_fixture.hpp"

using vlserve::model::spelling_to_bytes;
using vlserve::testing::qwen3_tokenizer;
using vlserve::testing::read_json_fixture;

namespace {

std::string str(const rapidjson::Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

std::vector<std::int32_t> ids_of(const rapidjson::Value& array) {
  std::vector<std::int32_t> ids;
  for (const auto& v : array.GetArray()) ids.push_back(v.GetInt());
  return ids;
}

}  // namespace

TEST(TokenizerGolden, EncodesEveryCaseExactly) {
  const auto doc = read_json_fixture("tokenizer/cases.json");
  ASSERT_GE(doc["cases"].Size(), 40u);
  for (const auto& c : doc["cases"].GetArray())
    EXPECT_EQ(qwen3_tokenizer().encode(str(c["text"])), ids_of(c["ids"])) << "text: " << str(c["text"]);
}

TEST(TokenizerGolden, TokenBytesMatchTheReferenceSpellings) {
  const auto doc = read_json_fixture("tokenizer/cases.json");
  for (const auto& c : doc["cases"].GetArray()) {
    const std::vector<std::int32_t> ids = ids_of(c["ids"]);
    ASSERT_EQ(ids.size(), c["tokens"].Size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const std::string spelling = str(c["tokens"][i]);
      EXPECT_EQ(qwen3_tokenizer().token_id(spelling), ids[i]) << spelling;
      EXPECT_EQ(qwen3_tokenizer().token_bytes(ids[i]), spelling_to_bytes(spelling).value_or(spelling)) << spelling;
    }
  }
}

TEST(TokenizerGolden, DecodesEveryCaseWithAndWithoutSpecials) {
  const auto doc = read_json_fixture("tokenizer/cases.json");
  for (const auto& c : doc["cases"].GetArray()) {
    const std::vector<std::int32_t> ids = ids_of(c["ids"]);
    EXPECT_EQ(qwen3_tokenizer().decode(ids), str(c["decoded"])) << str(c["text"]);
    EXPECT_EQ(qwen3_tokenizer().decode(ids, true), str(c["decoded_skip_special_tokens"])) << str(c["text"]);
  }
}

class FixtureTextCase : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureTextCase, PromptEncodesToTheModelInputIds) {
  const auto doc = read_json_fixture("qwen3vl-tiny/cases/" + GetParam() + ".json");
  const std::vector<std::int32_t> expected = ids_of(doc["input_ids"]);
  EXPECT_EQ(qwen3_tokenizer().encode(str(doc["expanded_prompt"])), expected);
  EXPECT_EQ(expected.size(), static_cast<std::size_t>(doc["num_prompt_tokens"].GetInt()));
}

// The tiny model is random, so its greedy output is a stress mix of scripts and partial tokens.
TEST_P(FixtureTextCase, GeneratedIdsDecodeToTheReferenceText) {
  const auto doc = read_json_fixture("qwen3vl-tiny/cases/" + GetParam() + ".json");
  const std::vector<std::int32_t> ids = ids_of(doc["generated_ids"]);
  EXPECT_EQ(qwen3_tokenizer().decode(ids), str(doc["generated_text"]));
  EXPECT_EQ(qwen3_tokenizer().decode(ids, true), str(doc["generated_text_skip_special_tokens"]));
}

INSTANTIATE_TEST_SUITE_P(TextCases, FixtureTextCase, ::testing::Values("text_single", "text_multiturn"));
