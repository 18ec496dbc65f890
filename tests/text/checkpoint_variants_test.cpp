// The decoder on checkpoints other than the tied fixture: an untied head, and random-weight
// decoders with other head counts, head_dim, theta, eps and biases (KV-cache decode must equal
// recomputing the whole sequence), plus load errors for tensors the config does not describe.
#include <gtest/gtest.h>

#include "model/checkpoint/checkpoint_error.hpp"
#include "model/text/engine.hpp"
#include "tests/checkpoint/temp_dir.hpp"
#include "tests/text/checkpoint_variants.hpp"
#include "tests/text/text_case.hpp"

namespace vlserve::model {
namespace {

TEST(CheckpointVariants, UntiedHeadIsUsedInsteadOfTheEmbedding) {
  testing::temp_dir dir;
  testing::write_untied_fixture_copy(dir.path(), 2.0f);
  text_engine e(dir.path(), engine_options{});
  EXPECT_FALSE(e.config().text.tie_word_embeddings);
  const testing::text_case c = testing::load_text_case("text_single");
  const sequence_id s = e.create_sequence();
  auto out = e.step({{s, c.input_ids, c.position_ids, 4, nullptr}});
  std::vector<float> doubled = c.logits_last4;
  for (float& v : doubled) v *= 2.f;  // lm_head = 2 x embed scales every logit exactly by 2
  EXPECT_LT(testing::max_abs_diff(out[0].values.data(), doubled.data(), doubled.size()), 4e-2f);
}

// Greedy decode with the cache vs. the same tokens as a fresh prompt each time.
void expect_cache_matches_recompute(const testing::random_text_shape& shape) {
  testing::temp_dir dir;
  testing::write_random_text_checkpoint(dir.path(), shape);
  text_engine e(dir.path(), engine_options{});
  const int64_t vocab = e.vocab_size();
  std::vector<int64_t> tokens = {5, 17, 3, 250, 99, 1, 64, 64, 8, 300, 12};
  const sequence_id cached = e.create_sequence();
  std::vector<float> last = e.step({{cached, tokens, {}, 1, nullptr}}).at(0).values;
  for (int step = 0; step < 5; ++step) {
    const sequence_id fresh = e.create_sequence();
    const auto full = e.step({{fresh, tokens, {}, 1, nullptr}}).at(0).values;
    e.free_sequence(fresh);
    ASSERT_LT(testing::max_abs_diff(last.data(), full.data(), size_t(vocab)), 1e-4f) << "step " << step;
    const int64_t next = testing::argmax_row(last, vocab, 0);
    tokens.push_back(next);
    last = e.step({{cached, {next}, {}, 1, nullptr}}).at(0).values;
  }
}

TEST(CheckpointVariants, RandomDecoderWithBiasesAndGroupOfThree) {
  expect_cache_matches_recompute(testing::random_text_shape{});
}

TEST(CheckpointVariants, RandomDecoderWithoutGroupingOrBias) {
  testing::random_text_shape s;
  s.heads = 4;
  s.kv_heads = 4;
  s.head_dim = 24;
  s.mrope_section = "[6, 3, 3]";
  s.bias = false;
  s.theta = 1e6;
  s.eps = 1e-6;
  s.seed = 11;
  expect_cache_matches_recompute(s);
}

std::string load_error(const std::string& dir) {
  try {
    text_engine e(dir, engine_options{});
  } catch (const checkpoint_error& ex) {
    return ex.what();
  }
  return "";
}

TEST(CheckpointVariants, ConfigAndTensorsMustAgree) {
  testing::temp_dir with_bias, without_bias;
  testing::random_text_shape s;
  testing::write_random_text_checkpoint(with_bias.path(), s);
  s.bias = false;
  testing::write_random_text_checkpoint(without_bias.path(), s);
  // Swap the configs: biases present but not configured, configured but absent.
  const std::string cfg_bias = testing::read_bytes(with_bias.file("config.json"));
  testing::write_bytes(with_bias.file("config.json"), testing::read_bytes(without_bias.file("config.json")));
  testing::write_bytes(without_bias.file("config.json"), cfg_bias);
  const std::string unexpected = load_error(with_bias.path());
  EXPECT_NE(unexpected.find("unexpected"), std::string::npos) << unexpected;
  EXPECT_NE(unexpected.find("self_attn.k_proj.bias"), std::string::npos) << unexpected;
  const std::string missing = load_error(without_bias.path());
  EXPECT_NE(missing.find("missing"), std::string::npos) << missing;
  EXPECT_NE(missing.find("bias"), std::string::npos) << missing;
}

}  // namespace
}  // namespace vlserve::model
