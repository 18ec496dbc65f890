// Masks over the real 151k-token vocabulary: walks that pick uniformly among the allowed tokens
// (random output, as the fixture model's is) always end in JSON that validates against the
// schema, checked by an independent validator. Also prints the mask cost per step.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>

#include "model/grammar/schema_compiler.hpp"
#include "model/grammar/token_masker.hpp"
#include "tests/grammar/schema_check.hpp"
#include "tests/support/child_process.hpp"

using namespace vlserve::model;
using namespace vlserve::model::grammar;

namespace {

const tokenizer& tok() {
  static const tokenizer t = tokenizer::load(vlserve::testing::fixtures_dir() + "/qwen3vl-tiny/model/tokenizer.json");
  return t;
}

const vocab_index& vocab() {
  static const vocab_index v(tok());
  return v;
}

constexpr std::int32_t eos = 151645;
constexpr std::size_t logits_size = 151936;

struct walk_result {
  std::string text;
  bool ended = false;
  double mask_seconds = 0;
  int steps = 0;
};

walk_result walk(const std::shared_ptr<const grammar::grammar>& g, std::uint64_t seed, int max_steps) {
  json_matcher m(g);
  token_masker masker;
  token_mask mask;
  std::mt19937_64 rng(seed);
  walk_result r;
  const std::int32_t eos_ids[] = {eos};
  std::vector<std::int32_t> allowed;
  for (; r.steps < max_steps; ++r.steps) {
    const auto t0 = std::chrono::steady_clock::now();
    masker.fill(m, vocab(), eos_ids, logits_size, mask);
    r.mask_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    allowed.clear();
    for (std::int32_t id = 0; id < std::int32_t(logits_size); ++id)
      if (mask.allows(id)) allowed.push_back(id);
    EXPECT_FALSE(allowed.empty()) << "dead end after: " << r.text;
    if (allowed.empty()) return r;
    const auto pick = allowed[rng() % allowed.size()];
    if (pick == eos) {
      r.ended = true;
      return r;
    }
    const auto bytes = tok().token_bytes(pick);
    EXPECT_TRUE(m.advance(bytes)) << "a masked-in token was refused: " << r.text << " + " << bytes;
    r.text += bytes;
  }
  return r;
}

// min_ended_percent: uniform picks make free text and free objects long (most tokens continue a
// string; ',' starts more tokens than '}'), so those schemas finish less often in max_steps.
void expect_valid_walks(const std::string& schema, int walks, int max_steps, int min_ended_percent = 90) {
  const auto g = std::make_shared<const grammar::grammar>(compile_schema(schema));
  int ended = 0;
  double seconds = 0;
  int steps = 0;
  for (int i = 0; i < walks; ++i) {
    const auto r = walk(g, std::uint64_t(i), max_steps);
    seconds += r.mask_seconds;
    steps += r.steps + 1;
    if (!r.ended) continue;
    ++ended;
    EXPECT_EQ(vlserve::testing::schema_violation(r.text, schema), "") << r.text;
  }
  EXPECT_GE(ended * 100, walks * min_ended_percent) << "too few walks finished within " << max_steps << " tokens";
  std::printf("mask: %.3f ms per step over %d steps (%d/%d walks ended)\n", 1e3 * seconds / steps, steps, ended, walks);
}

}  // namespace

TEST(TokenMasker, NestedObjectsWithEnumsAndIntegerRanges) {
  expect_valid_walks(R"({"type":"object","properties":{
      "kind":{"enum":["cat","dog","bird"]},"age":{"type":"integer","minimum":0,"maximum":30},
      "owner":{"type":"object","properties":{"id":{"type":"integer","minimum":100,"maximum":999},
                "vip":{"type":"boolean"}},"required":["id","vip"],"additionalProperties":false}},
      "required":["kind","age","owner"],"additionalProperties":false})",
                     100, 200);
}

TEST(TokenMasker, BoundedArraysAndAnyOf) {
  expect_valid_walks(R"({"type":"object","properties":{
      "items":{"type":"array","items":{"anyOf":[{"type":"integer","minimum":-3,"maximum":3},{"type":"null"},
               {"const":"none"}]},"minItems":2,"maxItems":4},
      "score":{"type":"number","minimum":0,"maximum":1}},"required":["items","score"],"additionalProperties":false})",
                     100, 200);
}

TEST(TokenMasker, FreeStrings) {
  expect_valid_walks(R"({"type":"object","properties":{"name":{"type":"string"},"nick":{"type":"string"}},
      "required":["name","nick"],"additionalProperties":false})",
                     10, 1000, 30);
}

TEST(TokenMasker, AnyObject) {
  expect_valid_walks(R"({"type":"object","properties":{"extra":{"type":"object"}},"required":["extra"]})", 6, 1000,
                     30);
}

TEST(TokenMasker, OnlyEosAfterACompleteValue) {
  const auto g = std::make_shared<const grammar::grammar>(compile_schema(R"({"type":"object","properties":{"a":{"const":1}},"required":["a"]})"));
  json_matcher m(g);
  ASSERT_TRUE(m.advance(R"({"a":1})"));
  token_masker masker;
  token_mask mask;
  const std::int32_t eos_ids[] = {eos};
  masker.fill(m, vocab(), eos_ids, logits_size, mask);
  EXPECT_EQ(mask.count(), 1u);
  EXPECT_TRUE(mask.allows(eos));
}
