// `--shape tiny` must reproduce the fixture model's tensor list exactly and load in the real engine;
// the random values must follow the HF init (N(0, 0.02), norms 1, biases 0) and be reproducible.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "bench/checkpoint_shape.hpp"
#include "bench/random_checkpoint.hpp"
#include "model/checkpoint/checkpoint.hpp"
#include "model/checkpoint/model_config.hpp"
#include "model/text/engine.hpp"
#include "tests/checkpoint/temp_dir.hpp"
#include "tests/support/child_process.hpp"

namespace vlserve::bench {
namespace {

std::string fixture_model() { return vlserve::testing::fixtures_dir() + "/qwen3vl-tiny/model"; }

random_checkpoint_options tiny_options(const std::string& out, uint64_t seed) {
  random_checkpoint_options o;
  o.out_dir = out;
  o.shape = "tiny";
  o.seed = seed;
  o.tokenizer_from = fixture_model();
  return o;
}

std::vector<float> bf16_values(const model::tensor_view& v) {
  std::vector<float> out(size_t(v.numel()));
  for (size_t i = 0; i < out.size(); ++i) {
    uint16_t b = 0;
    std::memcpy(&b, static_cast<const uint8_t*>(v.data) + 2 * i, 2);
    const uint32_t bits = uint32_t(b) << 16;
    std::memcpy(&out[i], &bits, 4);
  }
  return out;
}

TEST(RandomCheckpoint, TinyShapeMatchesTheFixtureTensorForTensor) {
  vlserve::testing::temp_dir dir;
  const auto summary = write_random_checkpoint(tiny_options(dir.path(), 7));
  const model::checkpoint ours(dir.path()), fixture(fixture_model() + "/model.safetensors");
  ASSERT_EQ(ours.names(), fixture.names());
  EXPECT_EQ(summary.tensors, int64_t(fixture.names().size()));
  for (const std::string& name : fixture.names()) {
    EXPECT_EQ(ours.get(name).shape, fixture.get(name).shape) << name;
    EXPECT_EQ(ours.get(name).dtype, fixture.get(name).dtype) << name;
  }
  for (const char* f : {"tokenizer.json", "tokenizer_config.json", "preprocessor_config.json"})
    EXPECT_TRUE(std::filesystem::exists(dir.file(f))) << f;
}

TEST(RandomCheckpoint, ConfigRoundTripsThroughTheParser) {
  vlserve::testing::temp_dir dir;
  write_random_checkpoint(tiny_options(dir.path(), 1));
  const model::model_config ours = model::load_model_config(dir.path());
  const model::model_config fixture = model::load_model_config(fixture_model());
  EXPECT_EQ(ours.text.hidden_size, fixture.text.hidden_size);
  EXPECT_EQ(ours.text.num_hidden_layers, fixture.text.num_hidden_layers);
  EXPECT_EQ(ours.text.num_key_value_heads, fixture.text.num_key_value_heads);
  EXPECT_EQ(ours.text.head_dim, fixture.text.head_dim);
  EXPECT_EQ(ours.text.mrope_section, fixture.text.mrope_section);
  EXPECT_EQ(ours.text.rope_theta, fixture.text.rope_theta);
  EXPECT_EQ(ours.vision.deepstack_visual_indexes, fixture.vision.deepstack_visual_indexes);
  EXPECT_EQ(ours.vision.out_hidden_size, fixture.vision.out_hidden_size);
  const model::model_config big = shape_preset("2b");
  EXPECT_EQ(model::parse_model_config(config_json(big, "bfloat16"), "2b").text.intermediate_size, 6144);
}

TEST(RandomCheckpoint, ValuesFollowTheHfInitAndTheSeed) {
  vlserve::testing::temp_dir a, b, c;
  write_random_checkpoint(tiny_options(a.path(), 3));
  write_random_checkpoint(tiny_options(b.path(), 3));
  write_random_checkpoint(tiny_options(c.path(), 4));
  const model::checkpoint ca(a.path()), cb(b.path()), cc(c.path());
  const std::string embed = "model.language_model.embed_tokens.weight";
  const auto va = bf16_values(ca.get(embed));
  EXPECT_EQ(va, bf16_values(cb.get(embed)));
  EXPECT_NE(va, bf16_values(cc.get(embed)));
  double sum = 0, sq = 0;
  for (float x : va) sum += x, sq += double(x) * x;
  const double mean = sum / double(va.size()), sd = std::sqrt(sq / double(va.size()) - mean * mean);
  EXPECT_NEAR(mean, 0.0, 1e-4);
  EXPECT_NEAR(sd, 0.02, 2e-4);
  for (float x : bf16_values(ca.get("model.language_model.norm.weight"))) EXPECT_EQ(x, 1.0f);
  for (float x : bf16_values(ca.get("model.visual.blocks.0.attn.qkv.bias"))) EXPECT_EQ(x, 0.0f);
}

TEST(RandomCheckpoint, LoadsInTheTextEngineAndGivesFiniteLogits) {
  vlserve::testing::temp_dir dir;
  write_random_checkpoint(tiny_options(dir.path(), 11));
  model::engine_options eo;
  eo.dtype = "bfloat16";
  model::text_engine engine(dir.path(), eo);
  const model::sequence_id s = engine.create_sequence();
  const auto out = engine.step({{s, {151644, 872, 198, 9707}, {}, 1, nullptr}});
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(int64_t(out[0].values.size()), engine.vocab_size());
  for (float v : out[0].values) ASSERT_TRUE(std::isfinite(v));
}

TEST(RandomCheckpoint, RejectsBadOptionsWithClearErrors) {
  vlserve::testing::temp_dir dir;
  auto o = tiny_options(dir.path(), 0);
  o.shape = "huge";
  EXPECT_THROW(write_random_checkpoint(o), std::invalid_argument);
  o = tiny_options(dir.path(), 0);
  o.dtype = "int8";
  EXPECT_THROW(write_random_checkpoint(o), std::invalid_argument);
  o = tiny_options(dir.path(), 0);
  o.tokenizer_from = dir.file("nowhere");
  EXPECT_THROW(write_random_checkpoint(o), std::invalid_argument);
  EXPECT_FALSE(std::filesystem::exists(dir.file("model.safetensors")));
}

}  // namespace
}  // namespace vlserve::bench
