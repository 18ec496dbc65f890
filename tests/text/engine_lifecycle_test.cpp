// KV cache lifecycle and input validation: caches grow in chunks within max_context, freeing a
// sequence releases its memory, and bad chunks are rejected before any cache changes.
#include <gtest/gtest.h>

#include <stdexcept>

#include "model/text/engine.hpp"
#include "tests/text/text_case.hpp"

namespace vlserve::model {
namespace {

engine_options small_cache() {
  engine_options o;
  o.kv_chunk = 16;
  o.max_context = 40;
  o.max_sequences = 3;
  return o;
}

TEST(EngineLifecycle, CacheGrowsInChunksAndFreeingReleasesIt) {
  text_engine e(testing::tiny_model_dir(), small_cache());
  EXPECT_EQ(e.cache_bytes(), 0);
  const sequence_id s = e.create_sequence();
  const sequence_id t = e.create_sequence();
  EXPECT_EQ(e.sequence_capacity(s), 0);
  e.step({{s, std::vector<int64_t>(10, 198), {}, 1, nullptr}});
  EXPECT_EQ(e.sequence_length(s), 10);
  EXPECT_EQ(e.sequence_capacity(s), 16);
  // 4 layers x (K + V) x 2 kv heads x 16 tokens x 32 dims x 4 bytes
  const int64_t one = 4 * 2 * 2 * 16 * 32 * 4;
  EXPECT_EQ(e.cache_bytes(), one);
  e.step({{s, std::vector<int64_t>(7, 198), {}, 0, nullptr}, {t, {198}, {}, 1, nullptr}});
  EXPECT_EQ(e.sequence_capacity(s), 32);
  EXPECT_EQ(e.cache_bytes(), 2 * one + one);

  e.free_sequence(s);
  EXPECT_FALSE(e.has_sequence(s));
  EXPECT_EQ(e.cache_bytes(), one);
  EXPECT_EQ(e.sequence_count(), 1u);
  EXPECT_THROW(e.step({{s, {198}, {}, 1, nullptr}}), std::invalid_argument);
  e.free_sequence(s);  // freeing twice is harmless (cancel racing a finish)
  e.free_sequence(t);
  EXPECT_EQ(e.cache_bytes(), 0);
}

TEST(EngineLifecycle, ContextAndSequenceLimits) {
  text_engine e(testing::tiny_model_dir(), small_cache());
  const sequence_id s = e.create_sequence();
  e.step({{s, std::vector<int64_t>(38, 198), {}, 0, nullptr}});
  EXPECT_THROW(e.step({{s, {1, 2, 3}, {}, 1, nullptr}}), sequence_rejected);
  EXPECT_EQ(e.sequence_length(s), 38);
  e.step({{s, {1, 2}, {}, 1, nullptr}});
  EXPECT_EQ(e.sequence_length(s), 40);
  EXPECT_EQ(e.sequence_capacity(s), 40);  // the last chunk is cut at max_context
  e.create_sequence();
  e.create_sequence();
  EXPECT_THROW(e.create_sequence(), std::length_error);
}

TEST(EngineLifecycle, InvalidChunksAreRejectedWithoutSideEffects) {
  text_engine e(testing::tiny_model_dir(), small_cache());
  const sequence_id s = e.create_sequence();
  const sequence_id t = e.create_sequence();
  auto expect_rejected = [&](const std::vector<sequence_chunk>& chunks, const char* needle) {
    try {
      e.step(chunks);
      ADD_FAILURE() << "accepted: " << needle;
    } catch (const std::invalid_argument& ex) {
      EXPECT_NE(std::string(ex.what()).find(needle), std::string::npos) << ex.what();
    }
    EXPECT_EQ(e.sequence_length(s), 0);
    EXPECT_EQ(e.sequence_length(t), 0);
  };
  expect_rejected({{s, {1}, {}, 1, nullptr}, {t, {151936}, {}, 1, nullptr}}, "outside the vocabulary");
  // The refusal names the sequence at fault, so a batch can drop it and run the others.
  try {
    e.step({{s, {1}, {}, 1, nullptr}, {t, {-3}, {}, 1, nullptr}});
    ADD_FAILURE() << "a negative token id was accepted";
  } catch (const sequence_rejected& ex) {
    EXPECT_EQ(ex.seq(), t);
  }
  expect_rejected({{s, {1, 2}, {0, 1, 0, 1}, 1, nullptr}}, "positions");
  expect_rejected({{s, {}, {}, 0, nullptr}}, "no tokens");
  expect_rejected({{s, {1}, {}, 2, nullptr}}, "logits_last");
  expect_rejected({{s, {1}, {}, 1, nullptr}, {s, {2}, {}, 1, nullptr}}, "twice");
  expect_rejected({{999, {1}, {}, 1, nullptr}}, "unknown sequence");
  EXPECT_TRUE(e.step({}).empty());
}

TEST(EngineLifecycle, BadOptionsAndMissingModel) {
  engine_options bad;
  bad.device = "tpu";
  EXPECT_THROW(text_engine(testing::tiny_model_dir(), bad), std::invalid_argument);
  bad = engine_options{};
  bad.dtype = "int8";
  EXPECT_THROW(text_engine(testing::tiny_model_dir(), bad), std::invalid_argument);
  EXPECT_THROW(text_engine("/nonexistent-model-dir", engine_options{}), std::runtime_error);
}

TEST(EngineLifecycle, ExplicitPositionsAndRopeDelta) {
  // Text-only prompt: explicit 0..T-1 rows equal the implicit positions; a decode step with
  // rope_delta d equals the same token given explicit positions T + d on all rows.
  const auto ids = testing::load_text_case("text_single").input_ids;
  const int64_t n = int64_t(ids.size());
  engine_options o;
  o.batch_invariant = true;  // a and b share each step; compare them bit for bit
  text_engine e(testing::tiny_model_dir(), o);
  std::vector<int64_t> pos;
  for (int r = 0; r < 3; ++r) {
    for (int64_t i = 0; i < n; ++i) pos.push_back(i);
  }
  const sequence_id a = e.create_sequence(5);
  const sequence_id b = e.create_sequence();
  auto r = e.step({{a, ids, pos, 1, nullptr}, {b, ids, {}, 1, nullptr}});
  EXPECT_LT(testing::max_abs_diff(r[0].values.data(), r[1].values.data(), r[0].values.size()), 1e-5f);
  auto d = e.step({{a, {13}, {}, 1, nullptr}, {b, {13}, {n + 5, n + 5, n + 5}, 1, nullptr}});
  EXPECT_LT(testing::max_abs_diff(d[0].values.data(), d[1].values.data(), d[0].values.size()), 1e-5f);
  auto z = e.step({{a, {14}, {}, 1, nullptr}, {b, {14}, {n + 1, n + 1, n + 1}, 1, nullptr}});
  EXPECT_GT(testing::max_abs_diff(z[0].values.data(), z[1].values.data(), z[0].values.size()), 1e-3f);
}

TEST(EngineLifecycle, AForkContinuesExactlyAsAColdRunAndOnItsOwn) {
  // n > 1 reads the prompt once and forks it: a fork's first and later steps must give what a cold
  // run of the same tokens gives (float32, batch-invariant so the different chunking rounds alike),
  // rope_delta included, and the fork must not share memory with its source.
  const auto ids = testing::load_text_case("text_multiturn").input_ids;
  const int64_t n = int64_t(ids.size());
  engine_options o;
  o.batch_invariant = true;
  text_engine e(testing::tiny_model_dir(), o);
  const std::vector<int64_t> head(ids.begin(), ids.end() - 1);
  const sequence_id source = e.create_sequence(3);
  const int64_t before = e.rows_computed();
  e.step({{source, head, {}, 0, nullptr}});
  EXPECT_EQ(e.rows_computed() - before, n - 1);
  const sequence_id fork = e.fork_sequence(source);
  EXPECT_EQ(e.rows_computed() - before, n - 1);  // forking computes nothing
  EXPECT_EQ(e.sequence_length(fork), n - 1);
  EXPECT_EQ(e.cache_bytes(), 2 * e.sequence_capacity(source) * 4 * 2 * 2 * 32 * 4);

  const sequence_id cold = e.create_sequence(3);
  const auto first = e.step({{source, {ids.back()}, {}, 1, nullptr}, {fork, {ids.back()}, {}, 1, nullptr}});
  const auto cold_first = e.step({{cold, ids, {}, 1, nullptr}});
  const size_t vocab = size_t(e.vocab_size());
  EXPECT_LE(testing::max_abs_diff(first[1].values.data(), cold_first[0].values.data(), vocab), 1e-4f);
  EXPECT_LE(testing::max_abs_diff(first[0].values.data(), cold_first[0].values.data(), vocab), 1e-4f);

  // The two go different ways; each still equals a cold run of its own tokens.
  const auto apart = e.step({{source, {13}, {}, 1, nullptr}, {fork, {42}, {}, 1, nullptr}});
  auto with = [&](int64_t token) {
    auto t = ids;
    t.push_back(token);
    const sequence_id c = e.create_sequence(3);
    auto out = e.step({{c, t, {}, 1, nullptr}});
    e.free_sequence(c);
    return out[0].values;
  };
  EXPECT_LE(testing::max_abs_diff(apart[0].values.data(), with(13).data(), vocab), 1e-4f);
  EXPECT_LE(testing::max_abs_diff(apart[1].values.data(), with(42).data(), vocab), 1e-4f);
  EXPECT_GT(testing::max_abs_diff(apart[0].values.data(), apart[1].values.data(), vocab), 1e-3f);

  e.free_sequence(source);
  EXPECT_EQ(e.sequence_length(fork), n + 1);  // the fork outlives its source
  EXPECT_THROW(e.fork_sequence(source), sequence_rejected);
}

}  // namespace
}  // namespace vlserve::model
