// The block-granular prefix store. Directly on small caches: a shared opening is held once, a hit
// ending inside a block copies exactly the right rows, pinned blocks survive eviction, and the byte
// accounting returns to 0. Through the batch runner on the fixture model (float32): two chats over
// one 300-token system prompt share its blocks, and their hits equal cold runs.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include "model/serving/batch_runner.hpp"
#include "model/text/prefix_store.hpp"
#include "model/tokenizer/tokenizer.hpp"
#include "tests/text/text_case.hpp"

using namespace vlserve::model;
using vlserve::testing::max_abs_diff;
using vlserve::testing::tiny_model_dir;

namespace {

constexpr int64_t B = prefix_store::block_tokens;
const kv_shape k_shape{2, 2, 4, 64, 4096};  // 2 layers, 2 kv heads, head_dim 4
// One row of one block: 2 layers x (K, V) x 2 heads x 4 dims x 4 bytes.
constexpr int64_t k_row_bytes = 2 * 2 * 2 * 4 * 4;

// A cache of `keys.size()` rows whose values are a function of the row's key and position, so two
// histories with the same opening hold the same values there.
kv_cache cache_for(const std::vector<uint64_t>& keys) {
  kv_cache c(k_shape, at::TensorOptions().dtype(at::kFloat));
  const auto n = int64_t(keys.size());
  c.reserve_extra(n);
  for (int64_t layer = 0; layer < k_shape.layers; ++layer) {
    auto [k, v] = c.buffers(layer);
    for (int64_t i = 0; i < n; ++i) {
      k.narrow(1, i, 1).fill_(double(keys[size_t(i)] % 1000) + 0.001 * double(i) + double(layer));
      v.narrow(1, i, 1).fill_(-double(keys[size_t(i)] % 1000) - 0.001 * double(i));
    }
  }
  c.commit(n);
  return c;
}

std::vector<uint64_t> history(uint64_t opening_seed, int64_t opening, uint64_t tail_seed, int64_t tail) {
  std::vector<uint64_t> keys;
  for (int64_t i = 0; i < opening; ++i) keys.push_back(opening_seed * 100000 + uint64_t(i));
  for (int64_t i = 0; i < tail; ++i) keys.push_back(tail_seed * 100000 + 50000 + uint64_t(i));
  return keys;
}

// The rows a restore copied equal the source history's rows.
void expect_rows_equal(const kv_cache& got, const kv_cache& want, int64_t rows) {
  for (int64_t layer = 0; layer < k_shape.layers; ++layer) {
    const auto [gk, gv] = got.buffers(layer);
    const auto [wk, wv] = want.buffers(layer);
    EXPECT_TRUE(at::equal(gk.narrow(1, 0, rows), wk.narrow(1, 0, rows))) << "layer " << layer;
    EXPECT_TRUE(at::equal(gv.narrow(1, 0, rows), wv.narrow(1, 0, rows))) << "layer " << layer;
  }
}

}  // namespace

TEST(prefix_blocks, TwoHistoriesWithOneOpeningHoldItOnce) {
  prefix_store store(64 << 20);
  const auto a = history(1, 300, 2, 40), b = history(1, 300, 3, 50);
  store.retain(a, cache_for(a));
  const int64_t one = store.stats().bytes;
  EXPECT_EQ(one, 340 * k_row_bytes);  // exact: every block's rows, nothing more
  store.retain(b, cache_for(b));
  const auto& s = store.stats();
  EXPECT_LT(s.bytes, 2 * one);
  // The first 9 full blocks (288 rows) are shared; block 10 holds rows 288..319, which differ
  // from row 300 on, so each history has its own from there.
  EXPECT_EQ(s.held_tokens, 288 + (340 - 288) + (350 - 288));
  EXPECT_EQ(s.bytes, s.held_tokens * k_row_bytes);

  // A third chat over the same opening reuses up to the exact row where it parts, inside a block.
  const auto c = history(1, 300, 4, 10);
  EXPECT_EQ(store.longest(c, int64_t(c.size())), 300);
  kv_cache into(k_shape, at::TensorOptions().dtype(at::kFloat));
  prefix_store::lease held;
  EXPECT_EQ(store.restore(c, int64_t(c.size()) - 1, into, held), 300);
  EXPECT_EQ(into.length(), 300);
  expect_rows_equal(into, cache_for(c), 300);
  EXPECT_EQ(held.size(), 10u);  // 9 full blocks and the 10th, read in part
  EXPECT_EQ(store.stats().pinned, 10);
  store.release(held);
  EXPECT_EQ(store.stats().pinned, 0);
  EXPECT_TRUE(held.empty());

  // A limit inside the shared part stops there.
  kv_cache short_into(k_shape, at::TensorOptions().dtype(at::kFloat));
  prefix_store::lease short_held;
  EXPECT_EQ(store.restore(c, 70, short_into, short_held), 70);
  expect_rows_equal(short_into, cache_for(c), 70);
  EXPECT_EQ(short_held.size(), 3u);
  store.release(short_held);
}

TEST(prefix_blocks, ALongerHistoryReplacesTheShorterLastBlockItExtends) {
  prefix_store store(64 << 20);
  const auto turn1 = history(1, 70, 0, 0);  // 2 full blocks and a last block of 6 rows
  const auto turn2 = history(1, 100, 0, 0);  // the same 70 rows, then 30 more
  store.retain(turn1, cache_for(turn1));
  EXPECT_EQ(store.stats().entries, 3);
  store.retain(turn2, cache_for(turn2));
  EXPECT_EQ(store.stats().held_tokens, 100) << "the 6-row block is dropped for the full one";
  EXPECT_EQ(store.stats().entries, 4);
  EXPECT_EQ(store.longest(turn1, 70), 70);
  // Keeping the same history again adds nothing.
  store.retain(turn2, cache_for(turn2));
  EXPECT_EQ(store.stats().held_tokens, 100);
}

TEST(prefix_blocks, EvictionNeverFreesAPinnedBlockAndAccountingReturnsToZero) {
  const auto a = history(1, 256, 0, 0);  // 8 blocks
  prefix_store store(12 * B * k_row_bytes);  // room for 12 blocks
  store.retain(a, cache_for(a));
  kv_cache into(k_shape, at::TensorOptions().dtype(at::kFloat));
  prefix_store::lease held;
  EXPECT_EQ(store.restore(a, 200, into, held), 200);  // a running sequence started from 7 blocks
  EXPECT_EQ(store.stats().pinned, 7);

  // Another history of 8 blocks needs room the pinned ones cannot give: only the unpinned 8th
  // block goes, and the newcomer keeps what fits.
  const auto b = history(2, 256, 0, 0);
  store.retain(b, cache_for(b));
  EXPECT_LE(store.stats().bytes, store.stats().max_bytes);
  EXPECT_EQ(store.stats().evictions, 1);
  EXPECT_EQ(store.longest(a, 256), 224) << "the pinned blocks are all there";
  EXPECT_EQ(store.longest(b, 256), 5 * B);
  EXPECT_EQ(store.stats().bytes, store.stats().held_tokens * k_row_bytes);

  store.release(held);
  store.evict_unpinned();
  EXPECT_EQ(store.stats().bytes, 0);
  EXPECT_EQ(store.stats().entries, 0);
  EXPECT_EQ(store.stats().held_tokens, 0);
  EXPECT_EQ(store.stats().pinned, 0);
  EXPECT_EQ(store.longest(a, 256), 0);
}

namespace {

struct turn {
  std::vector<int32_t> tokens;
  std::vector<float> last_prompt_logits;
  int cached_tokens = -1;
};

struct shared_prompt_fixture : ::testing::Test {
  std::unique_ptr<tokenizer> tok;
  void SetUp() override { tok = std::make_unique<tokenizer>(tokenizer::load(tiny_model_dir() + "/tokenizer.json")); }
  std::unique_ptr<text_engine> engine(int64_t cache_bytes) {
    engine_options eo;
    eo.dtype = "float32";
    eo.batch_invariant = true;  // a prompt read from another offset rounds as a cold one
    eo.prefix_cache_bytes = cache_bytes;
    return std::make_unique<text_engine>(tiny_model_dir(), eo);
  }
  // A 300-token system prompt, then the user's own words.
  std::vector<int32_t> chat(const std::string& user) {
    std::vector<int32_t> ids;
    for (int i = 0; ids.size() < 300; ++i)
      for (int32_t t : tok->encode(" rule " + std::to_string(i) + ": answer briefly and kindly.")) ids.push_back(t);
    ids.resize(300);
    for (int32_t t : tok->encode("\nUser: " + user + "\nAssistant:")) ids.push_back(t);
    return ids;
  }
  turn run(batch_runner& r, const std::vector<int32_t>& ids) {
    sequence_input in;
    in.prompt_ids = ids;
    in.settings.sampling.temperature = 0;
    in.settings.stop.max_tokens = 6;
    in.settings.stop.eos_ids = qwen3_vl_eos_ids();
    turn out;
    r.submit(std::move(in));
    for (int guard = 0; guard < 200 && !r.idle(); ++guard)
      for (const auto& ev : r.step()) {
        EXPECT_TRUE(ev.error.empty()) << ev.error;
        if (ev.delta.token >= 0) out.tokens.push_back(ev.delta.token);
        if (!ev.prompt_logits.empty()) out.last_prompt_logits = ev.prompt_logits;
        if (ev.finished) out.cached_tokens = ev.cached_tokens;
      }
    return out;
  }
};

}  // namespace

TEST_F(shared_prompt_fixture, TwoChatsHoldTheSystemPromptOnceAndTheirHitsEqualColdRuns) {
  auto cached = engine(64 << 20);
  batch_runner r(*cached, *tok, runner_options{});
  const auto a = chat("What is the capital of France?");
  const auto b = chat("Name a prime number.");
  run(r, a);
  const int64_t one = cached->prefix_cache().bytes;
  ASSERT_GT(one, 0);
  const turn hit = run(r, b);
  EXPECT_GE(hit.cached_tokens, 300) << "chat b starts from chat a's system prompt";
  EXPECT_LT(cached->prefix_cache().bytes, 2 * one);
  // Each history is its prompt and 5 of its 6 answer tokens; the 9 blocks before row 288 once.
  EXPECT_EQ(cached->prefix_cache().held_tokens, int64_t(a.size() + 5 + b.size() + 5) - 288);

  auto cold_engine = engine(0);
  batch_runner cold(*cold_engine, *tok, runner_options{});
  const turn want = run(cold, b);
  EXPECT_EQ(hit.tokens, want.tokens);
  const size_t vocab = size_t(cold_engine->vocab_size());
  ASSERT_EQ(hit.last_prompt_logits.size(), vocab);
  EXPECT_LE(max_abs_diff(hit.last_prompt_logits.data(), want.last_prompt_logits.data(), vocab), 1e-4f);
  EXPECT_EQ(cached->prefix_cache().pinned, 0) << "finished sequences hold no pins";
}

TEST_F(shared_prompt_fixture, EvictionUnderASmallBoundKeepsARunningSequenceCorrect) {
  // Learn one chat's bytes, then allow about one and a half chats.
  int64_t one = 0;
  {
    auto probe = engine(64 << 20);
    batch_runner pr(*probe, *tok, runner_options{});
    run(pr, chat("first"));
    one = probe->prefix_cache().bytes;
  }
  auto cached = engine(one + one / 2);
  runner_options ro;
  ro.prefill_chunk = 64;
  batch_runner r(*cached, *tok, ro);
  run(r, chat("first"));
  // A second chat restores the shared prompt (pinned) and runs beside others whose histories
  // push the store over its bound while it decodes.
  const auto b = chat("second question here");
  sequence_input in;
  in.prompt_ids = b;
  in.settings.sampling.temperature = 0;
  in.settings.stop.max_tokens = 12;
  in.settings.stop.eos_ids = qwen3_vl_eos_ids();
  const ticket tb = r.submit(std::move(in));
  std::vector<int32_t> got;
  int64_t max_pinned = 0;
  for (int i = 0; i < 3; ++i) {
    std::vector<int32_t> other(b.rbegin(), b.rend());  // shares nothing with the system prompt
    other[0] = 100 + i;
    sequence_input o;
    o.prompt_ids = other;
    o.settings.sampling.temperature = 0;
    o.settings.stop.max_tokens = 2;
    o.settings.stop.eos_ids = qwen3_vl_eos_ids();
    r.submit(std::move(o));
  }
  for (int guard = 0; guard < 500 && !r.idle(); ++guard) {
    for (const auto& ev : r.step()) {
      EXPECT_TRUE(ev.error.empty()) << ev.error;
      if (ev.id == tb && ev.delta.token >= 0) got.push_back(ev.delta.token);
    }
    max_pinned = std::max(max_pinned, cached->prefix_cache().pinned);
    EXPECT_LE(cached->prefix_cache().bytes, cached->prefix_cache().max_bytes);
  }
  EXPECT_GT(max_pinned, 0);
  EXPECT_GT(cached->prefix_cache().evictions, 0);

  auto cold_engine = engine(0);
  batch_runner cold(*cold_engine, *tok, runner_options{});
  sequence_input c;
  c.prompt_ids = b;
  c.settings.sampling.temperature = 0;
  c.settings.stop.max_tokens = 12;
  c.settings.stop.eos_ids = qwen3_vl_eos_ids();
  cold.submit(std::move(c));
  std::vector<int32_t> want;
  for (int guard = 0; guard < 200 && !cold.idle(); ++guard)
    for (const auto& ev : cold.step())
      if (ev.delta.token >= 0) want.push_back(ev.delta.token);
  EXPECT_EQ(got, want);
}
