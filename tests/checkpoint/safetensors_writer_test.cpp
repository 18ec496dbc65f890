// Writer -> reader round trip, single file and sharded through model.safetensors.index.json.
#include <gtest/gtest.h>

#include <cstring>

#include "model/checkpoint/checkpoint.hpp"
#include "model/checkpoint/checkpoint_error.hpp"
#include "model/checkpoint/safetensors_writer.hpp"
#include "tests/checkpoint/temp_dir.hpp"

namespace vlserve::model {
namespace {

using testing::temp_dir;

template <typename T>
std::vector<T> values_of(const tensor_view& v) {
  std::vector<T> out(v.nbytes / sizeof(T));
  std::memcpy(out.data(), v.data, v.nbytes);
  return out;
}

TEST(SafetensorsWriter, RoundTripsDtypesShapesAndMetadata) {
  temp_dir dir;
  safetensors_writer w;
  w.add_f32("logits", {2, 3}, {0.5f, -1.f, 2.f, 3.25f, 1e-8f, -7.f});
  w.add_i64("ids", {4}, {151644, 0, -1, 42});
  const uint16_t bf16[3] = {0x3f80, 0xbf80, 0x4000};  // 1, -1, 2
  w.add("w", st_dtype::bf16, {3}, bf16, sizeof(bf16));
  w.add("empty", st_dtype::f32, {0, 5}, nullptr, 0);
  w.set_metadata("producer", "test");
  const std::string path = dir.file("out.safetensors");
  w.write(path);

  const std::string raw = testing::read_bytes(path);
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | uint8_t(raw[size_t(i)]);
  EXPECT_EQ((8 + n) % 8, 0u) << "data block must start 8-byte aligned";

  safetensors_file f(path);
  EXPECT_EQ(f.metadata().at("producer"), "test");
  EXPECT_EQ(values_of<float>(f.get("logits")),
            (std::vector<float>{0.5f, -1.f, 2.f, 3.25f, 1e-8f, -7.f}));
  EXPECT_EQ(f.get("logits").shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(values_of<int64_t>(f.get("ids")), (std::vector<int64_t>{151644, 0, -1, 42}));
  EXPECT_EQ(f.get("w").dtype, st_dtype::bf16);
  EXPECT_EQ(values_of<uint16_t>(f.get("w")), (std::vector<uint16_t>{0x3f80, 0xbf80, 0x4000}));
  EXPECT_EQ(f.get("empty").nbytes, 0u);
  EXPECT_EQ(f.get("empty").shape, (std::vector<int64_t>{0, 5}));
}

TEST(SafetensorsWriter, RejectsInconsistentInput) {
  safetensors_writer w;
  const float x[2] = {1, 2};
  EXPECT_THROW(w.add("x", st_dtype::f32, {3}, x, sizeof(x)), checkpoint_error);
  w.add("x", st_dtype::f32, {2}, x, sizeof(x));
  EXPECT_THROW(w.add("x", st_dtype::f32, {2}, x, sizeof(x)), checkpoint_error);
  temp_dir dir;
  EXPECT_THROW(w.write(dir.file("no/such/dir.safetensors")), checkpoint_error);
}

TEST(ShardedCheckpoint, ReadsShardsThroughTheIndex) {
  temp_dir dir;
  safetensors_writer a, b;
  a.add_f32("layer.0.w", {2}, {1.f, 2.f});
  b.add_f32("layer.1.w", {1}, {3.f});
  b.add_i64("layer.1.ids", {1}, {9});
  a.write(dir.file("model-00001-of-00002.safetensors"));
  b.write(dir.file("model-00002-of-00002.safetensors"));
  testing::write_bytes(dir.file("model.safetensors.index.json"),
                       R"({"metadata":{"total_size":28},"weight_map":{)"
                       R"("layer.0.w":"model-00001-of-00002.safetensors",)"
                       R"("layer.1.w":"model-00002-of-00002.safetensors",)"
                       R"("layer.1.ids":"model-00002-of-00002.safetensors"}})");
  checkpoint ckpt(dir.path());
  EXPECT_EQ(ckpt.names(), (std::vector<std::string>{"layer.0.w", "layer.1.ids", "layer.1.w"}));
  EXPECT_EQ(values_of<float>(ckpt.get("layer.1.w", {1})), std::vector<float>{3.f});
  EXPECT_NE(ckpt.get("layer.0.w").file.find("00001"), std::string::npos);
}

TEST(ShardedCheckpoint, IndexNamingATensorAbsentFromItsShard) {
  temp_dir dir;
  safetensors_writer a;
  a.add_f32("present", {1}, {1.f});
  a.write(dir.file("shard.safetensors"));
  testing::write_bytes(dir.file("model.safetensors.index.json"),
                       R"({"weight_map":{"present":"shard.safetensors","ghost":"shard.safetensors"}})");
  try {
    checkpoint ckpt(dir.path());
    FAIL() << "index naming a missing tensor accepted";
  } catch (const checkpoint_error& e) {
    EXPECT_NE(std::string(e.what()).find("'ghost'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("shard.safetensors"), std::string::npos) << e.what();
  }
  testing::write_bytes(dir.file("model.safetensors.index.json"),
                       R"({"weight_map":{"present":"../shard.safetensors"}})");
  EXPECT_THROW(checkpoint{dir.path()}, checkpoint_error);
  testing::write_bytes(dir.file("model.safetensors.index.json"), "{");
  EXPECT_THROW(checkpoint{dir.path()}, checkpoint_error);
}

TEST(ShardedCheckpoint, EmptyDirectoryIsAnError) {
  temp_dir dir;
  try {
    checkpoint ckpt(dir.path());
    FAIL();
  } catch (const checkpoint_error& e) {
    EXPECT_NE(std::string(e.what()).find("model.safetensors"), std::string::npos);
  }
}

}  // namespace
}  // namespace vlserve::model
