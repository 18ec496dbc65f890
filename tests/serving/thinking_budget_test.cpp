// The thinking budget in the sequence decoder, with the real tokenizer and synthetic logits (no
// model): reasoning never exceeds the budget, Qwen's stop sentence and </think> are forced, and
// the answer follows as content.
#include <gtest/gtest.h>

#include "model/serving/sequence_decoder.hpp"
#include "tests/text/text_case.hpp"

using namespace vlserve::model;

namespace {

const tokenizer& tok() {
  static const tokenizer t = tokenizer::load(vlserve::testing::tiny_model_dir() + "/tokenizer.json");
  return t;
}

struct run_result {
  std::string reasoning, content;
  int reasoning_tokens = 0;
  std::size_t generated = 0;
};

// Logits that make `favourite` the greedy choice every step (it is never </think> or EOS).
run_result run(int budget, int max_tokens, std::int32_t favourite = 9707) {
  decode_settings s;
  s.sampling.temperature = 0.0f;
  s.stop.max_tokens = max_tokens;
  s.stop.eos_ids = qwen3_vl_eos_ids();
  s.thinking_budget = budget;
  sequence_decoder d(tok(), {151644, 872}, s);
  std::vector<float> logits(151936, 0.0f);
  logits[std::size_t(favourite)] = 10.0f;
  run_result r;
  while (!d.finished()) {
    const auto delta = d.on_logits(logits);
    r.reasoning += delta.reasoning;
    r.content += delta.content;
  }
  r.reasoning_tokens = d.reasoning_tokens();
  r.generated = d.generated_ids().size();
  return r;
}

}  // namespace

TEST(ThinkingBudget, ReasoningStopsAtTheBudgetWithQwensSentence) {
  for (const int budget : {40, 64, 100}) {
    const auto r = run(budget, 200);
    EXPECT_EQ(r.reasoning_tokens, budget);
    EXPECT_NE(r.reasoning.find("Considering the limited time by the user"), std::string::npos) << r.reasoning;
    EXPECT_EQ(r.reasoning.find("</think>"), std::string::npos);
    EXPECT_FALSE(r.content.empty()) << "the answer must follow the reasoning";
    EXPECT_EQ(r.generated, 200u);
  }
}

TEST(ThinkingBudget, ASmallBudgetEndsWithThinkCloseAlone) {
  const auto r = run(3, 10);
  EXPECT_EQ(r.reasoning_tokens, 3);
  EXPECT_EQ(r.reasoning.find("Considering"), std::string::npos);
  EXPECT_FALSE(r.content.empty());
  const auto one = run(1, 5);
  EXPECT_EQ(one.reasoning_tokens, 1);
  EXPECT_EQ(one.reasoning, "");
}

TEST(ThinkingBudget, NoBudgetThinksUntilMaxTokens) {
  const auto r = run(0, 30);
  EXPECT_EQ(r.reasoning_tokens, 30);
  EXPECT_TRUE(r.content.empty());
}
