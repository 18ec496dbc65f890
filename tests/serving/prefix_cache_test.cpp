// The prefix cache through the batch runner on the real fixture model (float32): the next turn of
// a conversation, started from the cached history, gives the same logits and tokens as a cold run;
// vision rows are reused only for the same content and never from the middle of an image; the
// store keeps its byte bound.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include "model/serving/batch_runner.hpp"
#include "model/text/prompt_cache_keys.hpp"
#include "model/text/visual_injection.hpp"
#include "model/tokenizer/tokenizer.hpp"
#include "tests/text/text_case.hpp"

using namespace vlserve::model;
using vlserve::testing::load_text_case;
using vlserve::testing::max_abs_diff;
using vlserve::testing::tiny_model_dir;

namespace {

constexpr int32_t k_image_pad = 151655;

struct outcome {
  std::vector<int32_t> tokens;
  std::vector<float> prompt_logits;  // the last 4 prompt rows
  int cached_tokens = -1;
  bool cancelled = false;
};

sequence_input greedy(const std::vector<int32_t>& ids, int max_tokens) {
  sequence_input in;
  in.prompt_ids = ids;
  in.settings.sampling.temperature = 0;
  in.settings.stop.max_tokens = max_tokens;
  in.settings.stop.eos_ids = qwen3_vl_eos_ids();
  in.prompt_logits = 4;
  return in;
}

// A prompt of `n` text tokens with `pads` image rows at [first, first + pads), random vision
// features (seeded) and M-RoPE-like positions: the rows of a 2 x (pads/2) grid share t.
sequence_input with_image(std::vector<int32_t> ids, int64_t first, int64_t pads, uint64_t seed,
                          int max_tokens) {
  for (int64_t i = 0; i < pads; ++i) ids[size_t(first + i)] = k_image_pad;
  sequence_input in = greedy(ids, max_tokens);
  const auto t = int64_t(ids.size());
  in.positions.assign(size_t(3 * t), 0);
  int64_t next = 0;
  for (int64_t i = 0; i < t; ++i) {
    const bool visual = i >= first && i < first + pads;
    const int64_t local = i - first;
    in.positions[size_t(i)] = next;
    in.positions[size_t(t + i)] = visual ? next + local / (pads / 2) : next;
    in.positions[size_t(2 * t + i)] = visual ? next + local % (pads / 2) : next;
    if (!visual || local == pads - 1) next = visual ? next + pads / 2 : next + 1;
  }
  in.rope_delta = next - t;
  at::manual_seed(seed);
  auto v = std::make_shared<visual_injection>();
  for (int64_t i = 0; i < pads; ++i) v->rows.push_back(first + i);
  v->embeddings = at::randn({pads, 64});
  for (int k = 0; k < 3; ++k) v->deepstack.push_back(at::randn({pads, 64}) * 0.1);
  in.visual = v;
  return in;
}

struct prefix_fixture : ::testing::Test {
  std::unique_ptr<tokenizer> tok;
  void SetUp() override {
    tok = std::make_unique<tokenizer>(tokenizer::load(tiny_model_dir() + "/tokenizer.json"));
  }
  // Batch-invariant float32: products in fixed 8-row blocks, so a prompt read from another offset
  // (after a hit) rounds exactly as a cold one; the fixture's random weights amplify the last-bit
  // differences of a different blocking to ~5e-4 in the logits otherwise.
  std::unique_ptr<text_engine> engine(int64_t cache_bytes) {
    engine_options eo;
    eo.dtype = "float32";
    eo.batch_invariant = true;
    eo.prefix_cache_bytes = cache_bytes;
    return std::make_unique<text_engine>(tiny_model_dir(), eo);
  }
  // Runs one sequence to its end; cancel_after_steps > 0 cancels it after that many steps.
  outcome run(batch_runner& r, sequence_input in, int cancel_after_steps = 0) {
    outcome out;
    const ticket t = r.submit(std::move(in));
    for (int step = 1; step < 1000 && !r.idle(); ++step) {
      for (const auto& ev : r.step()) {
        EXPECT_EQ(ev.id, t);
        EXPECT_TRUE(ev.error.empty()) << ev.error;
        if (ev.delta.token >= 0) out.tokens.push_back(ev.delta.token);
        if (!ev.prompt_logits.empty()) out.prompt_logits = ev.prompt_logits;
        if (ev.finished) out.cached_tokens = ev.cached_tokens, out.cancelled = ev.cancelled;
      }
      if (step == cancel_after_steps) r.cancel(t);
    }
    return out;
  }
  // The last prompt row's logits (a chunk may end with fewer than 4 rows) and every token.
  void expect_same(const outcome& hit, const outcome& cold) {
    EXPECT_EQ(hit.tokens, cold.tokens);
    const size_t vocab = 151936;
    ASSERT_GE(hit.prompt_logits.size(), vocab);
    ASSERT_GE(cold.prompt_logits.size(), vocab);
    EXPECT_LE(max_abs_diff(hit.prompt_logits.data() + hit.prompt_logits.size() - vocab,
                           cold.prompt_logits.data() + cold.prompt_logits.size() - vocab, vocab),
              1e-4f);
  }
};

}  // namespace

TEST_F(prefix_fixture, NextTurnFromTheCachedHistoryEqualsAColdRun) {
  const auto c = load_text_case("text_multiturn");
  const std::vector<int32_t> turn1(c.input_ids.begin(), c.input_ids.end());
  auto cached = engine(64 << 20);
  batch_runner r(*cached, *tok, runner_options{});
  const outcome first = run(r, greedy(turn1, 12));
  EXPECT_EQ(first.cached_tokens, 0);
  // The next turn re-sends the history: the prompt, the answer, then new text.
  std::vector<int32_t> turn2 = turn1;
  turn2.insert(turn2.end(), first.tokens.begin(), first.tokens.end());
  for (int32_t t : tok->encode("\nAnd one more question?")) turn2.push_back(t);
  const outcome hit = run(r, greedy(turn2, 12));
  // Everything but the last answer token (sampled, never fed back) is reused.
  EXPECT_EQ(hit.cached_tokens, int(turn1.size() + first.tokens.size() - 1));
  EXPECT_EQ(cached->prefix_cache().hits, 1);
  EXPECT_EQ(cached->sequence_count(), 0u);

  auto cold_engine = engine(0);
  batch_runner cold_runner(*cold_engine, *tok, runner_options{});
  const outcome cold = run(cold_runner, greedy(turn2, 12));
  EXPECT_EQ(cold.cached_tokens, 0);
  expect_same(hit, cold);
}

TEST_F(prefix_fixture, ImagesAreReusedForTheSameContentOnlyAndNeverFromTheirMiddle) {
  const auto c = load_text_case("text_multiturn");
  const std::vector<int32_t> base(c.input_ids.begin(), c.input_ids.end());
  ASSERT_GT(base.size(), 60u);
  auto cached = engine(64 << 20);
  runner_options chunks;
  chunks.prefill_chunk = 20;  // cancelled after one step, the cache ends inside the image
  batch_runner r(*cached, *tok, chunks);
  auto cold_engine = engine(0);
  batch_runner cold(*cold_engine, *tok, chunks);

  // Rows 10..29 are the image; one prefill step holds rows 0..19, then the sequence is cancelled.
  const outcome cut = run(r, with_image(base, 10, 20, 1, 8), 1);
  EXPECT_TRUE(cut.cancelled);
  EXPECT_EQ(cached->prefix_cache().entries, 1);
  const outcome resumed = run(r, with_image(base, 10, 20, 1, 8));
  EXPECT_EQ(resumed.cached_tokens, 10) << "reuse stops at the image's first row, not inside it";
  expect_same(resumed, run(cold, with_image(base, 10, 20, 1, 8)));

  // The whole prompt is now held: the same image is reused whole, another image is not.
  const outcome again = run(r, with_image(base, 10, 20, 1, 8));
  EXPECT_GE(again.cached_tokens, int(base.size()) - 1);
  const outcome other = run(r, with_image(base, 10, 20, 2, 8));
  EXPECT_EQ(other.cached_tokens, 10) << "a different image diverges at its first row";
  expect_same(other, run(cold, with_image(base, 10, 20, 2, 8)));
}

TEST_F(prefix_fixture, TheStoreKeepsItsByteBoundAndEvictsTheOldest) {
  const auto c = load_text_case("text_multiturn");
  const std::vector<int32_t> base(c.input_ids.begin(), c.input_ids.end());
  auto probe = engine(64 << 20);
  batch_runner pr(*probe, *tok, runner_options{});
  run(pr, greedy(base, 4));
  const int64_t one = probe->prefix_cache().bytes;
  ASSERT_GT(one, 0);

  auto cached = engine(one + one / 2);  // room for one history and a half, not two
  batch_runner r(*cached, *tok, runner_options{});
  std::vector<int32_t> other = base;
  other[0] = other[0] == 1 ? 2 : 1;  // diverges at the first token: shares no block
  run(r, greedy(base, 4));
  run(r, greedy(other, 4));
  const prefix_cache_figures f = cached->prefix_cache();
  EXPECT_LE(f.bytes, f.max_bytes);
  EXPECT_GT(f.evictions, 0);
  EXPECT_EQ(f.pinned, 0);
  // The older history lost its last blocks (evicted leaf first), so its next run reads them again.
  const outcome again = run(r, greedy(base, 4));
  EXPECT_LT(again.cached_tokens, int(base.size()) - 1) << "the older history's tail was evicted";
  const outcome held = run(r, greedy(base, 4));
  EXPECT_EQ(held.cached_tokens, int(base.size()) - 1) << "and is held whole again now";
}

TEST(prompt_cache_keys, VisionRowsAreKeyedByContentAndPlaceTextRowsByTokenId) {
  visual_injection a, b;
  a.rows = b.rows = {2, 3, 4, 7, 8};
  a.embeddings = at::ones({5, 4});
  b.embeddings = at::ones({5, 4});
  b.embeddings[4][0] = 2.0f;  // the second image (rows 7, 8) differs
  const std::vector<int32_t> ids = {5, 6, k_image_pad, k_image_pad, k_image_pad, 9, 10, k_image_pad, k_image_pad};
  const auto ka = prompt_cache_keys(ids, {}, &a), kb = prompt_cache_keys(ids, {}, &b);
  EXPECT_EQ(ka[0], 5u);
  EXPECT_EQ(ka[5], 9u);
  EXPECT_NE(ka[2], uint64_t(k_image_pad));
  EXPECT_NE(ka[2], ka[3]) << "rows of one image differ by their offset";
  for (int i : {2, 3, 4}) EXPECT_EQ(ka[size_t(i)], kb[size_t(i)]);
  for (int i : {7, 8}) EXPECT_NE(ka[size_t(i)], kb[size_t(i)]);
  EXPECT_EQ(reusable_prefix(3, &a), 2);
  EXPECT_EQ(reusable_prefix(2, &a), 2);
  EXPECT_EQ(reusable_prefix(5, &a), 5);
  EXPECT_EQ(reusable_prefix(8, &a), 7);
  EXPECT_EQ(reusable_prefix(6, nullptr), 6);
}
