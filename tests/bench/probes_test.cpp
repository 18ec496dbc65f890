// The pieces `vlserve bench` builds on: the bandwidth probe, piece-independent random fill, the
// writer's streamed tensors, and the bytes-per-decode-token count.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "bench/checkpoint_shape.hpp"
#include "bench/memory_bandwidth.hpp"
#include "bench/random_fill.hpp"
#include "bench/weight_traffic.hpp"
#include "model/checkpoint/checkpoint_error.hpp"
#include "model/checkpoint/safetensors_file.hpp"
#include "model/checkpoint/safetensors_writer.hpp"
#include "tests/checkpoint/temp_dir.hpp"
#include "tests/support/child_process.hpp"

namespace vlserve::bench {
namespace {

TEST(BandwidthProbe, ReturnsPositiveFiniteNumbers) {
  bandwidth_options o;
  o.array_bytes = size_t(8) << 20;
  o.repeat = 2;
  const bandwidth_result r = measure_memory_bandwidth(o);
  EXPECT_TRUE(std::isfinite(r.triad_gbs) && r.triad_gbs > 0);
  EXPECT_TRUE(std::isfinite(r.read_gbs) && r.read_gbs > 0);
  EXPECT_GE(r.triad_best_gbs, r.triad_gbs);
  EXPECT_GE(r.threads, 1);
  EXPECT_EQ(r.array_bytes, size_t(8) << 20);
}

TEST(BandwidthProbe, RejectsBadOptions) {
  bandwidth_options o;
  o.array_bytes = 1024;
  EXPECT_THROW(measure_memory_bandwidth(o), std::invalid_argument);
  o = bandwidth_options{};
  o.repeat = 0;
  EXPECT_THROW(measure_memory_bandwidth(o), std::invalid_argument);
}

TEST(RandomFill, ValuesDoNotDependOnHowTheTensorIsSplit) {
  random_fill f;
  f.seed = 5;
  f.name = "w";
  const size_t elems = 200003;  // spans several 65536-element blocks, odd length
  std::vector<uint8_t> whole(2 * elems), parts(2 * elems);
  f(0, whole.data(), whole.size());
  const size_t cut1 = 2 * 777, cut2 = 2 * 131073;
  f(0, parts.data(), cut1);
  f(cut1, parts.data() + cut1, cut2 - cut1);
  f(cut2, parts.data() + cut2, parts.size() - cut2);
  EXPECT_EQ(whole, parts);
  EXPECT_THROW(f(1, whole.data(), 2), std::invalid_argument);
}

TEST(RandomFill, RoundsToNearestEvenBfloat16) {
  EXPECT_EQ(float_to_bf16(1.0f), 0x3f80);
  EXPECT_EQ(float_to_bf16(-2.0f), 0xc000);
  // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties go to the even mantissa (1.0).
  EXPECT_EQ(float_to_bf16(1.00390625f), 0x3f80);
  EXPECT_EQ(float_to_bf16(1.01171875f), 0x3f82);  // 1 + 3*2^-8 ties up to 1 + 2^-6
}

TEST(SafetensorsWriter, StreamsGeneratedTensorsInPieces) {
  vlserve::testing::temp_dir dir;
  model::safetensors_writer w;
  // 20 MiB of f32: two pieces; each element is its own index, so any misplaced piece shows.
  const int64_t n = int64_t(5) << 20;
  std::vector<uint64_t> offsets;
  w.add_generated("big", model::st_dtype::f32, {n}, [&](uint64_t off, uint8_t* dst, size_t len) {
    offsets.push_back(off);
    for (size_t i = 0; i < len / 4; ++i) {
      const float v = float(off / 4 + i);
      std::memcpy(dst + 4 * i, &v, 4);
    }
  });
  w.add_f32("small", {2}, {1.5f, -2.f});
  EXPECT_THROW(w.add_generated("small", model::st_dtype::f32, {1}, [](uint64_t, uint8_t*, size_t) {}),
               model::checkpoint_error);
  w.write(dir.file("m.safetensors"));
  EXPECT_EQ(offsets, (std::vector<uint64_t>{0, model::safetensors_writer::k_generate_piece}));
  model::safetensors_file f(dir.file("m.safetensors"));
  const model::tensor_view big = f.get("big");
  ASSERT_EQ(big.nbytes, size_t(n) * 4);
  for (int64_t i : {int64_t(0), int64_t(4194303), int64_t(4194304), n - 1}) {
    float v = 0;
    std::memcpy(&v, static_cast<const uint8_t*>(big.data) + 4 * i, 4);
    EXPECT_EQ(v, float(i));
  }
  float s[2];
  std::memcpy(s, f.get("small").data, 8);
  EXPECT_EQ(s[1], -2.f);
}

TEST(SafetensorsWriter, AFailingSourceLeavesNoFileBehind) {
  vlserve::testing::temp_dir dir;
  model::safetensors_writer w;
  w.add_generated("x", model::st_dtype::bf16, {8}, [](uint64_t, uint8_t*, size_t) {
    throw std::runtime_error("source failed");
  });
  EXPECT_THROW(w.write(dir.file("m.safetensors")), std::runtime_error);
  EXPECT_FALSE(std::filesystem::exists(dir.file("m.safetensors")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("m.safetensors.tmp")));
}

TEST(WeightTraffic, CountsDecoderWeightsAndTheTiedHead) {
  const std::string model = vlserve::testing::fixtures_dir() + "/qwen3vl-tiny/model";
  const weight_traffic t = decode_weight_traffic(model, "bfloat16");
  // Independent count from the config: per layer 2 norms, q/o (128x64 each), k/v (64x64 each),
  // q/k norms (32 each), gate/up/down (128x64 each); plus the final norm.
  const int64_t per_layer = 2 * 64 + 2 * 128 * 64 + 2 * 64 * 64 + 2 * 32 + 3 * 128 * 64;
  EXPECT_EQ(t.non_embedding_params, 4 * per_layer + 64);
  EXPECT_EQ(t.lm_head_params, 151936 * 64);
  EXPECT_EQ(t.bytes_per_decode_token(), 2 * (4 * per_layer + 64 + 151936 * 64));
  EXPECT_EQ(decode_weight_traffic(model, "float32").bytes_per_decode_token(),
            2 * t.bytes_per_decode_token());
  EXPECT_THROW(decode_weight_traffic(model, "int4"), std::invalid_argument);
}

TEST(CheckpointShape, TwoBillionPresetHasTheSpecCounts) {
  const auto specs = checkpoint_tensors(shape_preset("2b"));
  EXPECT_EQ(specs.size(), 625u);  // qwen3-vl.md §2: text 310 + vision 315, lm_head tied
  int64_t text = 0;
  for (const auto& s : specs) {
    int64_t n = 1;
    for (int64_t d : s.shape) n *= d;
    if (s.name.rfind("model.language_model.", 0) == 0 &&
        s.name != "model.language_model.embed_tokens.weight")
      text += n;
  }
  EXPECT_NEAR(double(text) / 1e9, 1.409, 0.001);  // non-embedding params (performance.md)
  EXPECT_THROW(shape_preset("7b"), std::invalid_argument);
}

}  // namespace
}  // namespace vlserve::bench
