// n > 1 through the batch runner on the real fixture model (float32): the prompt is read once and
// forked, every choice starts from the same prompt logits as a cold run, seeded choices replay one
// by one, and cancel ends every choice, forked or not.
#include <gtest/gtest.h>

#include <map>

#include "model/sampling/rng.hpp"
#include "model/serving/batch_runner.hpp"
#include "model/tokenizer/tokenizer.hpp"
#include "tests/text/text_case.hpp"

using namespace vlserve::model;
using vlserve::testing::load_text_case;
using vlserve::testing::max_abs_diff;
using vlserve::testing::tiny_model_dir;

namespace {

struct choice_run {
  std::vector<int32_t> tokens;
  std::vector<float> prompt_logits;
  bool finished = false, cancelled = false;
  int completion_tokens = 0;
};

sequence_input input_for(const std::vector<int64_t>& ids, int max_tokens, int choices, double temperature,
                         std::optional<uint64_t> seed) {
  sequence_input in;
  in.prompt_ids.assign(ids.begin(), ids.end());
  in.settings.sampling.temperature = float(temperature);
  in.settings.sampling.seed = seed;
  in.settings.stop.max_tokens = max_tokens;
  in.settings.stop.eos_ids = qwen3_vl_eos_ids();
  in.choices = choices;
  return in;
}

struct choices_fixture : ::testing::Test {
  std::unique_ptr<text_engine> engine;
  std::unique_ptr<tokenizer> tok;
  void SetUp() override {
    engine_options eo;
    eo.dtype = "float32";
    eo.batch_invariant = true;  // a choice decoding beside others rounds as it would alone
    engine = std::make_unique<text_engine>(tiny_model_dir(), eo);
    tok = std::make_unique<tokenizer>(tokenizer::load(tiny_model_dir() + "/tokenizer.json"));
  }
  // Runs the runner dry; cancels `t` after `cancel_after` steps when > 0.
  std::map<int, choice_run> run(batch_runner& r, sequence_input in, int cancel_after = 0) {
    std::map<int, choice_run> out;
    const ticket t = r.submit(std::move(in));
    for (int step = 1; step < 1000 && !r.idle(); ++step) {
      for (const auto& ev : r.step()) {
        EXPECT_EQ(ev.id, t);
        EXPECT_TRUE(ev.error.empty()) << ev.error;
        auto& c = out[ev.choice];
        EXPECT_FALSE(c.finished) << "choice " << ev.choice << " reported after its end";
        if (ev.delta.token >= 0) c.tokens.push_back(ev.delta.token);
        if (!ev.prompt_logits.empty()) c.prompt_logits = ev.prompt_logits;
        if (ev.finished) c.finished = true, c.cancelled = ev.cancelled, c.completion_tokens = ev.completion_tokens;
      }
      if (step == cancel_after) r.cancel(t);
    }
    return out;
  }
};

}  // namespace

TEST_F(choices_fixture, ThePromptIsReadOnceAndEveryChoiceStartsFromItsLogits) {
  const auto c = load_text_case("text_multiturn");
  const int64_t prompt = int64_t(c.input_ids.size());
  runner_options ro;
  ro.prefill_chunk = 16;  // several prompt steps before the fork
  batch_runner cold_runner(*engine, *tok, ro);
  const int64_t cold_before = engine->rows_computed();
  auto cold = run(cold_runner, input_for(c.input_ids, 6, 1, 0, std::nullopt));
  ASSERT_EQ(cold.size(), 1u);
  EXPECT_EQ(engine->rows_computed() - cold_before, prompt + int64_t(cold[0].tokens.size()) - 1);

  batch_runner r(*engine, *tok, ro);
  const int64_t before = engine->rows_computed();
  auto three = run(r, input_for(c.input_ids, 6, 3, 0, std::nullopt));
  ASSERT_EQ(three.size(), 3u);
  int64_t fed_back = 0;
  for (const auto& [index, choice] : three) {
    EXPECT_TRUE(choice.finished);
    EXPECT_EQ(choice.tokens, cold[0].tokens) << "greedy choice " << index;
    EXPECT_EQ(choice.completion_tokens, int(choice.tokens.size()));
    fed_back += int64_t(choice.tokens.size()) - 1;
  }
  // Every row read beyond the prompt (once) is a choice's own decode token.
  EXPECT_EQ(engine->rows_computed() - before, prompt + fed_back);
  // The prompt's last row, which all three sampled from, equals the cold run's.
  const size_t vocab = size_t(engine->vocab_size());
  ASSERT_EQ(three[0].prompt_logits.size(), vocab);
  EXPECT_LE(max_abs_diff(three[0].prompt_logits.data(), cold[0].prompt_logits.data(), vocab), 1e-4f);
  EXPECT_EQ(engine->sequence_count(), 0u);
}

TEST_F(choices_fixture, SeededChoicesAreIndependentAndEachReplays) {
  const auto c = load_text_case("text_single");
  batch_runner r(*engine, *tok, runner_options{});
  auto a = run(r, input_for(c.input_ids, 8, 3, 1.0, 7));
  auto b = run(r, input_for(c.input_ids, 8, 3, 1.0, 7));
  ASSERT_EQ(a.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(a[i].tokens, b[i].tokens) << "choice " << i;
  // Three draws of 8 tokens at temperature 1 from a 151k vocabulary: not all the same.
  EXPECT_FALSE(a[0].tokens == a[1].tokens && a[1].tokens == a[2].tokens);
  // Choice i is the single completion seeded with choice_seed(seed, i): it replays on its own.
  for (int i = 0; i < 3; ++i) {
    auto alone = run(r, input_for(c.input_ids, 8, 1, 1.0, choice_seed(7, i)));
    EXPECT_EQ(alone[0].tokens, a[i].tokens) << "choice " << i;
  }
}

TEST_F(choices_fixture, CancelEndsEveryChoiceBeforeAndAfterTheFork) {
  const auto c = load_text_case("text_multiturn");
  runner_options ro;
  ro.prefill_chunk = 8;
  batch_runner r(*engine, *tok, ro);
  // Cancelled while the prompt is still being read: the unforked choices end too.
  auto early = run(r, input_for(c.input_ids, 50, 3, 0, std::nullopt), 1);
  ASSERT_EQ(early.size(), 3u);
  for (auto& [index, choice] : early) EXPECT_TRUE(choice.cancelled) << index;
  // Cancelled while decoding: every forked choice ends, with what it had.
  auto late = run(r, input_for(c.input_ids, 200, 3, 1.0, 3), int(c.input_ids.size() / 8) + 4);
  ASSERT_EQ(late.size(), 3u);
  for (auto& [index, choice] : late) {
    EXPECT_TRUE(choice.cancelled) << index;
    EXPECT_FALSE(choice.tokens.empty()) << index;
  }
  EXPECT_TRUE(r.idle());
  EXPECT_EQ(engine->sequence_count(), 0u);
}

TEST_F(choices_fixture, ChoicesMustFitOneBatchAndWaitForRoom) {
  const auto c = load_text_case("text_single");
  runner_options ro;
  ro.max_batch = 3;
  batch_runner r(*engine, *tok, ro);
  EXPECT_THROW(r.submit(input_for(c.input_ids, 4, 4, 0, std::nullopt)), std::invalid_argument);
  EXPECT_THROW(r.submit(input_for(c.input_ids, 4, 0, 0, std::nullopt)), std::invalid_argument);
  const ticket one = r.submit(input_for(c.input_ids, 4, 1, 0, std::nullopt));
  const ticket three = r.submit(input_for(c.input_ids, 4, 3, 0, std::nullopt));
  r.step();
  // The single sequence holds a slot, so the three choices wait rather than run two of three.
  EXPECT_EQ(r.running(), 1u);
  EXPECT_EQ(r.queued(), 1u);
  std::map<ticket, int> finished;
  for (int guard = 0; guard < 100 && !r.idle(); ++guard)
    for (const auto& ev : r.step())
      if (ev.finished) ++finished[ev.id];
  EXPECT_EQ(finished[one], 1);
  EXPECT_EQ(finished[three], 3);
}
