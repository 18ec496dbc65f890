// config.json / generation_config.json parsing: the fixture's values, an untied variant with
// other head counts, and errors that name the file and key.
#include <gtest/gtest.h>

#include "model/checkpoint/checkpoint_error.hpp"
#include "model/checkpoint/generation_config.hpp"
#include "model/checkpoint/model_config.hpp"
#include "model/text/mrope_layout.hpp"
#include "tests/support/child_process.hpp"

namespace vlserve::model {
namespace {

TEST(ModelConfig, ParsesTheFixtureConfig) {
  const model_config c = load_model_config(testing::fixtures_dir() + "/qwen3vl-tiny/model");
  EXPECT_EQ(c.model_type, "qwen3_vl");
  EXPECT_EQ(c.text.hidden_size, 64);
  EXPECT_EQ(c.text.num_hidden_layers, 4);
  EXPECT_EQ(c.text.num_attention_heads, 4);
  EXPECT_EQ(c.text.num_key_value_heads, 2);
  EXPECT_EQ(c.text.head_dim, 32);
  EXPECT_EQ(c.text.intermediate_size, 128);
  EXPECT_EQ(c.text.vocab_size, 151936);
  EXPECT_DOUBLE_EQ(c.text.rms_norm_eps, 1e-6);
  EXPECT_DOUBLE_EQ(c.text.rope_theta, 5e6);
  EXPECT_EQ(c.text.mrope_section, (std::vector<int64_t>{6, 5, 5}));
  EXPECT_TRUE(c.text.tie_word_embeddings);
  EXPECT_FALSE(c.text.attention_bias);
  EXPECT_EQ(c.text.max_position_embeddings, 262144);
  EXPECT_EQ(c.text.eos_token_id, 151645);
  ASSERT_TRUE(c.has_vision);
  EXPECT_EQ(c.vision.depth, 4);
  EXPECT_EQ(c.vision.num_heads, 4);
  EXPECT_EQ(c.vision.out_hidden_size, 64);
  EXPECT_EQ(c.vision.deepstack_visual_indexes, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(c.image_token_id, 151655);
  EXPECT_EQ(c.video_token_id, 151656);
  EXPECT_EQ(c.vision_start_token_id, 151652);
  EXPECT_EQ(c.vision_end_token_id, 151653);
}

TEST(ModelConfig, UntiedVariantWithOtherShapes) {
  const model_config c = parse_model_config(R"({
    "model_type": "qwen3_vl", "tie_word_embeddings": false, "image_token_id": 7,
    "text_config": {"hidden_size": 96, "num_hidden_layers": 2, "num_attention_heads": 6,
      "num_key_value_heads": 3, "intermediate_size": 40, "vocab_size": 300,
      "rms_norm_eps": 1e-5, "rope_theta": 10000, "attention_bias": true,
      "rope_scaling": {"rope_type": "default", "mrope_section": [4, 2, 2]}}})",
                                            "variant.json");
  EXPECT_FALSE(c.text.tie_word_embeddings);
  EXPECT_EQ(c.text.head_dim, 16);  // derived: 96 / 6
  EXPECT_EQ(c.text.num_key_value_heads, 3);
  EXPECT_TRUE(c.text.attention_bias);
  EXPECT_DOUBLE_EQ(c.text.rope_theta, 10000);
  EXPECT_DOUBLE_EQ(c.text.rms_norm_eps, 1e-5);
  EXPECT_EQ(c.image_token_id, 7);
  EXPECT_FALSE(c.has_vision);
  // text_config's own flag wins over the top-level one.
  const model_config t = parse_model_config(
      R"({"tie_word_embeddings": false, "text_config": {"hidden_size": 8, "num_hidden_layers": 1,
      "num_attention_heads": 1, "intermediate_size": 8, "vocab_size": 10,
      "tie_word_embeddings": true, "rope_scaling": {"mrope_section": [2, 1, 1]}}})",
      "t.json");
  EXPECT_TRUE(t.text.tie_word_embeddings);
}

std::string config_error_of(const std::string& json) {
  try {
    parse_model_config(json, "cfg.json");
  } catch (const checkpoint_error& e) {
    return e.what();
  }
  return "";
}

TEST(ModelConfig, RejectsConfigsTheDecoderCannotRun) {
  const std::string base =
      R"("hidden_size": 64, "num_hidden_layers": 1, "intermediate_size": 8, "vocab_size": 10)";
  const std::string groups = config_error_of(R"({"text_config": {)" + base +
                                             R"(, "num_attention_heads": 4, "num_key_value_heads": 3}})");
  EXPECT_NE(groups.find("multiple of num_key_value_heads"), std::string::npos) << groups;
  const std::string section = config_error_of(
      R"({"text_config": {)" + base +
      R"(, "num_attention_heads": 2, "rope_scaling": {"mrope_section": [8, 8, 8]}}})");
  EXPECT_NE(section.find("mrope_section"), std::string::npos) << section;
  const std::string type = config_error_of(R"({"text_config": {"hidden_size": "64"}})");
  EXPECT_NE(type.find("'hidden_size'"), std::string::npos) << type;
  EXPECT_NE(type.find("cfg.json"), std::string::npos) << type;
  EXPECT_NE(config_error_of(R"({"vision_config": {}})").find("text_config"), std::string::npos);
  EXPECT_NE(config_error_of("{oops").find("invalid JSON"), std::string::npos);
  EXPECT_THROW(load_model_config("/nonexistent-dir"), checkpoint_error);
}

TEST(GenerationConfig, ParsesTheFixtureAndSingleEos) {
  const generation_config g =
      load_generation_config(testing::fixtures_dir() + "/qwen3vl-tiny/model", 151645);
  EXPECT_EQ(g.eos_token_ids, (std::vector<int64_t>{151645, 151643}));
  EXPECT_TRUE(g.do_sample);
  EXPECT_EQ(g.top_k, 20);
  ASSERT_TRUE(g.top_p.has_value());
  EXPECT_DOUBLE_EQ(*g.top_p, 0.95);
  EXPECT_FALSE(g.temperature.has_value());
  EXPECT_EQ(g.pad_token_id, 151643);

  const generation_config s = parse_generation_config(
      R"({"eos_token_id": 2, "temperature": 0.6, "top_k": 5})", "gen.json");
  EXPECT_EQ(s.eos_token_ids, std::vector<int64_t>{2});
  EXPECT_DOUBLE_EQ(*s.temperature, 0.6);
  EXPECT_THROW(parse_generation_config(R"({"top_k": "x"})", "gen.json"), checkpoint_error);
  // No file: the text config's eos is the stop id.
  EXPECT_EQ(load_generation_config("/nonexistent-dir", 5).eos_token_ids, std::vector<int64_t>{5});
}

TEST(MropeLayout, InterleavesStreamsPerSection) {
  EXPECT_EQ(mrope_channel_map(32, {6, 5, 5}), "THWTHWTHWTHWTHWT");
  EXPECT_EQ(mrope_channel_map(128, {24, 20, 20}),
            "THWTHWTHWTHWTHWTHWTHWTHWTHWTHWTHWTHWTHWTHWTHWTHWTHWTHWTHWTHWTTTT");
  EXPECT_EQ(mrope_channel_map(16, {4, 2, 2}), "THWTHWTT");
}

}  // namespace
}  // namespace vlserve::model
