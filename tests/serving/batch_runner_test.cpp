// The batch runner on the real fixture model: greedy decoding reproduces the reference tokens
// whether a sequence runs alone, chunked, or beside others; cancel frees the sequence.
#include <gtest/gtest.h>

#include "model/serving/batch_runner.hpp"
#include "model/text/visual_injection.hpp"
#include "model/tokenizer/tokenizer.hpp"
#include "tests/text/text_case.hpp"

using namespace vlserve::model;
using vlserve::testing::load_text_case;
using vlserve::testing::tiny_model_dir;

namespace {

sequence_input greedy_input(const std::vector<int64_t>& ids, int max_tokens) {
  sequence_input in;
  in.prompt_ids.assign(ids.begin(), ids.end());
  in.settings.sampling.temperature = 0;
  in.settings.stop.max_tokens = max_tokens;
  in.settings.stop.eos_ids = qwen3_vl_eos_ids();
  return in;
}

struct runner_fixture : ::testing::Test {
  engine_options eo;
  std::unique_ptr<text_engine> engine;
  std::unique_ptr<tokenizer> tok;
  void SetUp() override {
    eo.dtype = "float32";
    engine = std::make_unique<text_engine>(tiny_model_dir(), eo);
    tok = std::make_unique<tokenizer>(tokenizer::load(tiny_model_dir() + "/tokenizer.json"));
  }
  // Runs until every ticket finished; returns the tokens per ticket.
  std::map<ticket, std::vector<int32_t>> drain(batch_runner& r, size_t* max_batch = nullptr) {
    std::map<ticket, std::vector<int32_t>> out;
    for (int guard = 0; guard < 1000 && !r.idle(); ++guard) {
      for (const auto& ev : r.step()) {
        EXPECT_TRUE(ev.error.empty()) << ev.error;
        if (ev.delta.token >= 0) out[ev.id].push_back(ev.delta.token);
      }
      if (max_batch) *max_batch = std::max(*max_batch, r.last_step_size());
    }
    return out;
  }
};

}  // namespace

TEST_F(runner_fixture, GreedyMatchesTheReferenceAloneChunkedAndBatched) {
  const auto single = load_text_case("text_single");
  const auto multi = load_text_case("text_multiturn");
  const std::vector<int32_t> want_single(single.generated_ids.begin(), single.generated_ids.end());
  const std::vector<int32_t> want_multi(multi.generated_ids.begin(), multi.generated_ids.end());

  runner_options alone;
  batch_runner r1(*engine, *tok, alone);
  const auto a = r1.submit(greedy_input(single.input_ids, 24));
  EXPECT_EQ(drain(r1)[a], want_single);

  runner_options small_chunks;
  small_chunks.prefill_chunk = 5;  // the prompt is read over several steps
  batch_runner r2(*engine, *tok, small_chunks);
  const auto s = r2.submit(greedy_input(single.input_ids, 24));
  const auto m = r2.submit(greedy_input(multi.input_ids, 24));
  size_t max_batch = 0;
  auto got = drain(r2, &max_batch);
  EXPECT_EQ(got[s], want_single);
  EXPECT_EQ(got[m], want_multi);
  EXPECT_EQ(max_batch, 2u);
  EXPECT_EQ(engine->sequence_count(), 0u) << "finished sequences free their cache";
}

TEST_F(runner_fixture, CancelEndsTheSequenceAndFreesIt) {
  const auto single = load_text_case("text_single");
  batch_runner r(*engine, *tok, {});
  const auto t = r.submit(greedy_input(single.input_ids, 24));
  r.step();
  r.step();
  EXPECT_EQ(engine->sequence_count(), 1u);
  r.cancel(t);
  const auto events = r.step();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].cancelled);
  EXPECT_TRUE(events[0].finished);
  EXPECT_EQ(engine->sequence_count(), 0u);
  EXPECT_TRUE(r.idle());
}

TEST_F(runner_fixture, MaxTokensAndUsageCounts) {
  const auto single = load_text_case("text_single");
  batch_runner r(*engine, *tok, {});
  const auto t = r.submit(greedy_input(single.input_ids, 3));
  std::vector<runner_event> all;
  for (int i = 0; i < 10 && !r.idle(); ++i)
    for (auto& ev : r.step()) all.push_back(ev);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all.back().id, t);
  EXPECT_TRUE(all.back().finished);
  EXPECT_EQ(all.back().delta.finish, finish_reason::length);
  EXPECT_EQ(all.back().completion_tokens, 3);
  EXPECT_EQ(all.back().prompt_tokens, int(single.input_ids.size()));
}

TEST_F(runner_fixture, RejectsPromptsLongerThanTheContext) {
  runner_options o;
  o.max_context = 8;
  batch_runner r(*engine, *tok, o);
  EXPECT_THROW(r.submit(greedy_input(std::vector<int64_t>(20, 100), 4)), std::invalid_argument);
}

// A sequence that cannot go on (its output constraint allows only "1" and logit_bias bans it)
// ends alone with an error; its neighbour in the same steps finishes normally.
TEST_F(runner_fixture, AFailingSequenceEndsAloneWithAnError) {
  const auto single = load_text_case("text_single");
  batch_runner r(*engine, *tok, runner_options{});
  auto stuck = greedy_input(single.input_ids, 16);
  stuck.settings.thinking_budget = 1;
  stuck.settings.output.kind = grammar::output_kind::json_schema;
  stuck.settings.output.schema_json = R"({"const":1})";
  stuck.settings.grammar = grammar::compile_output(stuck.settings.output);
  stuck.settings.sampling.logit_bias = {{*tok->token_id("1"), -100.0f}};
  const auto bad = r.submit(stuck);
  const auto good = r.submit(greedy_input(single.input_ids, 8));
  std::string bad_error;
  int good_tokens = 0;
  for (int guard = 0; guard < 100 && !r.idle(); ++guard)
    for (const auto& ev : r.step()) {
      if (ev.id == bad && ev.finished) bad_error = ev.error;
      if (ev.id == good) {
        EXPECT_TRUE(ev.error.empty()) << ev.error;
        good_tokens += ev.delta.token >= 0;
      }
    }
  EXPECT_NE(bad_error.find("no token to sample"), std::string::npos) << bad_error;
  EXPECT_EQ(good_tokens, 8);
}

TEST_F(runner_fixture, RefusesTokenIdsOutsideTheVocabularyAtSubmit) {
  batch_runner r(*engine, *tok, {});
  EXPECT_THROW(r.submit(greedy_input({1, 999999999, 2}, 4)), std::invalid_argument);
  EXPECT_THROW(r.submit(greedy_input({-1}, 4)), std::invalid_argument);
  EXPECT_TRUE(r.idle());
}

// A chunk the engine refuses (here vision features of the wrong width, which submit cannot see)
// fails only its own sequence: the step runs again without it and the neighbour is unharmed.
TEST_F(runner_fixture, AChunkTheEngineRefusesFailsOnlyItsSequence) {
  const auto single = load_text_case("text_single");
  const std::vector<int32_t> want(single.generated_ids.begin(), single.generated_ids.end());
  batch_runner r(*engine, *tok, runner_options{});
  auto broken = greedy_input(single.input_ids, 4);
  auto visual = std::make_shared<visual_injection>();
  visual->rows = {0, 1};
  visual->embeddings = at::zeros({2, 3});
  broken.visual = visual;
  const auto good = r.submit(greedy_input(single.input_ids, 24));
  const auto bad = r.submit(broken);
  std::string bad_error;
  std::vector<int32_t> got;
  for (int guard = 0; guard < 200 && !r.idle(); ++guard)
    for (const auto& ev : r.step()) {
      if (ev.id == bad && ev.finished) bad_error = ev.error;
      if (ev.id == good) {
        EXPECT_TRUE(ev.error.empty()) << ev.error;
        if (ev.delta.token >= 0) got.push_back(ev.delta.token);
      }
    }
  EXPECT_NE(bad_error.find("visual embeddings"), std::string::npos) << bad_error;
  EXPECT_EQ(got, want);
  EXPECT_EQ(engine->sequence_count(), 0u);
}
