// FP8 checkpoints: e4m3fn decoding of known bit patterns, the random-checkpoint tool's `--quant
// fp8` layout, that its weights load back to what was written (dequantized), and the engine under
// WEIGHT_QUANT=none (dequantized to the compute dtype) and fp8 (kept at 1 byte per weight).
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "bench/random_checkpoint.hpp"
#include "bench/random_fill.hpp"
#include "model/checkpoint/checkpoint.hpp"
#include "model/checkpoint/checkpoint_error.hpp"
#include "model/checkpoint/fp8_e4m3.hpp"
#include "model/checkpoint/model_config.hpp"
#include "model/text/engine.hpp"
#include "model/text/fp8_weights.hpp"
#include "model/vision/tower/vision_tower.hpp"
#include "tests/checkpoint/temp_dir.hpp"
#include "tests/support/child_process.hpp"

namespace vlserve::bench {
namespace {

std::string fixture_model() { return vlserve::testing::fixtures_dir() + "/qwen3vl-tiny/model"; }

std::string write_fp8_tiny(const vlserve::testing::temp_dir& dir, uint64_t seed) {
  random_checkpoint_options o;
  o.out_dir = dir.path();
  o.shape = "tiny";
  o.seed = seed;
  o.quant = "fp8";
  o.tokenizer_from = fixture_model();
  write_random_checkpoint(o);
  return dir.path();
}

TEST(Fp8E4m3, DecodesKnownBitPatterns) {
  // (bits, value): zeros, subnormals (m * 2^-9), the smallest normal, 1, the largest finite.
  const std::vector<std::pair<uint8_t, float>> known = {
      {0x00, 0.0f},          {0x01, 0x1p-9f},     {0x07, 7 * 0x1p-9f}, {0x08, 0x1p-6f},
      {0x38, 1.0f},          {0x39, 1.125f},      {0x40, 2.0f},        {0x7e, 448.0f},
      {0xfe, -448.0f},       {0xb8, -1.0f},       {0x81, -0x1p-9f},    {0x77, 240.0f}};
  for (const auto& [bits, value] : known) {
    EXPECT_EQ(model::e4m3fn_to_float(bits), value) << "bits 0x" << std::hex << int(bits);
  }
  EXPECT_TRUE(std::signbit(model::e4m3fn_to_float(0x80)) && model::e4m3fn_to_float(0x80) == 0.0f);
  EXPECT_TRUE(std::isnan(model::e4m3fn_to_float(0x7f)));
  EXPECT_TRUE(std::isnan(model::e4m3fn_to_float(0xff)));
}

TEST(Fp8E4m3, EncodingRoundTripsEveryCodeAndRoundsToNearest) {
  for (int b = 0; b < 256; ++b) {
    if ((b & 0x7f) == 0x7f) continue;  // NaN
    const float v = model::e4m3fn_to_float(uint8_t(b));
    EXPECT_EQ(model::float_to_e4m3fn(v), uint8_t(b)) << "code " << b;
  }
  EXPECT_EQ(model::float_to_e4m3fn(1000.0f), 0x7e) << "saturates to 448";
  EXPECT_EQ(model::float_to_e4m3fn(-1000.0f), 0xfe);
  EXPECT_EQ(model::float_to_e4m3fn(1.0625f), 0x38) << "halfway between 1 and 1.125: ties to even";
  EXPECT_EQ(model::float_to_e4m3fn(1.1f), 0x39);
  EXPECT_EQ(model::float_to_e4m3fn(0x1p-10f), 0x00) << "half the smallest subnormal: ties to even";
  EXPECT_EQ(model::float_to_e4m3fn(std::numeric_limits<float>::quiet_NaN()), 0x7f);
}

TEST(Fp8Checkpoint, RandomCheckpointHasQwensFp8Layout) {
  vlserve::testing::temp_dir dir;
  const model::checkpoint ckpt(write_fp8_tiny(dir, 3));
  const auto w = ckpt.get("model.language_model.layers.0.mlp.down_proj.weight");  // [64, 128]
  EXPECT_EQ(w.dtype, model::st_dtype::f8_e4m3);
  const auto s = ckpt.get("model.language_model.layers.0.mlp.down_proj.weight_scale_inv");
  EXPECT_EQ(s.dtype, model::st_dtype::f32);
  EXPECT_EQ(s.shape, (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(ckpt.get("model.visual.blocks.0.attn.qkv.weight_scale_inv").shape,
            (std::vector<int64_t>{2, 1}));  // [192, 64]: a partial second block row
  EXPECT_EQ(ckpt.get("model.language_model.embed_tokens.weight").dtype, model::st_dtype::bf16);
  EXPECT_EQ(ckpt.get("model.visual.merger.linear_fc1.weight").dtype, model::st_dtype::bf16);
  const model::model_config cfg = model::load_model_config(dir.path());
  EXPECT_TRUE(cfg.quantization.fp8());
  EXPECT_EQ(cfg.quantization.weight_block_size, (std::vector<int64_t>{128, 128}));
  EXPECT_FALSE(cfg.quantization.modules_to_not_convert.empty());
}

// What the loader dequantizes equals fp8 * weight_scale_inv decoded here independently, and stays
// within e4m3's rounding (2^-4 relative, 2^-10 of the scale absolute) of the value the generator drew.
TEST(Fp8Checkpoint, DequantizedWeightsEqualWhatWasWritten) {
  vlserve::testing::temp_dir dir;
  const model::checkpoint ckpt(write_fp8_tiny(dir, 5));
  const model::model_config cfg = model::load_model_config(dir.path());
  const std::string name = "model.visual.blocks.1.attn.qkv.weight";  // [192, 64]: two block rows
  model::tensor_claims claims(ckpt);
  const at::Tensor got =
      model::take_weight(claims, name, {192, 64}, cfg.quantization, at::TensorOptions().dtype(at::kFloat));
  const auto raw = ckpt.get(name);
  const auto scale_view = ckpt.get(name + "_scale_inv");
  std::vector<float> scales(2);
  std::memcpy(scales.data(), scale_view.data, 8);
  EXPECT_NE(scales[0], scales[1]);
  // The generator's own float values for the same seed and tensor.
  random_fill original;
  original.seed = 5;
  original.name = name;
  original.dtype = model::st_dtype::f32;
  std::vector<float> drawn(192 * 64);
  original(0, reinterpret_cast<uint8_t*>(drawn.data()), drawn.size() * 4);
  for (int64_t r = 0; r < 192; ++r) {
    for (int64_t c = 0; c < 64; ++c) {
      const uint8_t bits = static_cast<const uint8_t*>(raw.data)[r * 64 + c];
      // Independent decoding: sign, 4-bit exponent (bias 7), 3-bit mantissa.
      const int e = (bits >> 3) & 0xf, m = bits & 7;
      const float mag = e == 0 ? std::ldexp(float(m), -9) : std::ldexp(1.0f + float(m) / 8, e - 7);
      const float expected = ((bits & 0x80) ? -mag : mag) * scales[size_t(r / 128)];
      ASSERT_EQ(got[r][c].item<float>(), expected) << "row " << r << " col " << c;
      const float v = drawn[size_t(r * 64 + c)];
      const float s = scales[size_t(r / 128)];
      ASSERT_LE(std::fabs(expected - v), std::fabs(v) / 16 + s * 0x1p-10f) << "row " << r << " col " << c;
    }
  }
}

TEST(Fp8Checkpoint, LoadsDequantizedAndAtOneBytePerWeightWithCloseLogits) {
  vlserve::testing::temp_dir dir;
  write_fp8_tiny(dir, 9);
  const std::vector<int64_t> prompt = {151644, 872, 198, 9707, 11, 1879, 0};
  auto logits = [&](const std::string& quant) {
    model::engine_options eo;
    eo.dtype = "float32";
    eo.weight_quant = quant;
    model::text_engine engine(dir.path(), eo);
    const auto seq = engine.create_sequence();
    return engine.step({{seq, prompt, {}, 1, nullptr}}).at(0).values;
  };
  const std::vector<float> dequantized = logits("none"), fp8 = logits("fp8"), int8 = logits("int8");
  double err = 0, err8 = 0, mag = 0;
  for (size_t i = 0; i < dequantized.size(); ++i) {
    ASSERT_TRUE(std::isfinite(fp8[i]));
    err += std::fabs(fp8[i] - dequantized[i]);
    err8 += std::fabs(int8[i] - dequantized[i]);
    mag += std::fabs(dequantized[i]);
  }
  std::printf("fp8 kept at 1 byte (int8 groups) vs dequantized float32: mean |err| / mean |logit| = %.4f\n",
              err / mag);
  // The requantization rounds each weight by at most 1/254 of its 128-group's maximum, and the
  // activations per group likewise: on N(0, 0.02) weights ~1 % per product; over 4 layers the
  // logits move ~2-3 %. A wrong block mapping gives errors of the logits' own size (~100 %).
  EXPECT_LT(err / mag, 0.06);
  EXPECT_EQ(err, err8) << "int8 on an FP8 checkpoint is the same 1-byte path";
  // The vision tower dequantizes its FP8 blocks too.
  model::vision::vision_tower tower(dir.path(), model::vision::tower_options{"cpu", "float32", ""});
}

TEST(Fp8Checkpoint, Fp8OnAnUnquantizedCheckpointAndUnknownMethodsAreRefused) {
  model::engine_options eo;
  eo.weight_quant = "fp8";
  try {
    model::text_engine engine(fixture_model(), eo);
    FAIL() << "fp8 on a bf16 checkpoint must be refused";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("WEIGHT_QUANT=int8"), std::string::npos) << e.what();
  }
  eo.weight_quant = "int4";
  EXPECT_THROW(model::text_engine(fixture_model(), eo), std::invalid_argument);
  const std::string config =
      R"({"model_type": "qwen3_vl", "quantization_config": {"quant_method": "gptq", "bits": 4},
          "text_config": {"hidden_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2,
          "intermediate_size": 128, "vocab_size": 10, "rope_scaling": {"mrope_section": [8, 4, 4]}}})";
  try {
    model::parse_model_config(config, "config.json");
    FAIL() << "gptq must be refused";
  } catch (const model::checkpoint_error& e) {
    EXPECT_NE(std::string(e.what()).find("quant_method 'gptq' is not supported"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vlserve::bench
