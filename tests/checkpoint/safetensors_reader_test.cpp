// Reader validation: every defect yields a checkpoint_error whose message names the file and the
// tensor involved.
#include <gtest/gtest.h>

#include <cstring>

#include "model/checkpoint/checkpoint.hpp"
#include "model/checkpoint/checkpoint_error.hpp"
#include "model/checkpoint/safetensors_file.hpp"
#include "tests/checkpoint/temp_dir.hpp"
#include "tests/support/child_process.hpp"

namespace vlserve::model {
namespace {

using testing::safetensors_bytes;
using testing::temp_dir;
using testing::write_bytes;

// Opens `bytes` as a safetensors file and returns the error message ("" if it opened).
std::string open_error(const temp_dir& dir, const std::string& bytes) {
  const std::string path = dir.file("bad.safetensors");
  write_bytes(path, bytes);
  try {
    safetensors_file f(path);
  } catch (const checkpoint_error& e) {
    return e.what();
  }
  return "";
}

const std::string k_good_header =
    R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
    R"("b":{"dtype":"BF16","shape":[2,2],"data_offsets":[8,16]}})";

TEST(SafetensorsReader, ReadsAValidFile) {
  temp_dir dir;
  std::string data(16, '\0');
  const float a[2] = {1.5f, -2.0f};
  std::memcpy(data.data(), a, 8);
  write_bytes(dir.file("ok.safetensors"), safetensors_bytes(k_good_header, data));
  safetensors_file f(dir.file("ok.safetensors"));
  EXPECT_EQ(f.names(), (std::vector<std::string>{"a", "b"}));
  const tensor_view v = f.get("a");
  EXPECT_EQ(v.dtype, st_dtype::f32);
  EXPECT_EQ(v.shape, (std::vector<int64_t>{2}));
  ASSERT_EQ(v.nbytes, 8u);
  float back[2];
  std::memcpy(back, v.data, 8);
  EXPECT_EQ(back[0], 1.5f);
  EXPECT_EQ(back[1], -2.0f);
  EXPECT_EQ(f.get("b").shape, (std::vector<int64_t>{2, 2}));
}

TEST(SafetensorsReader, TruncatedDataNamesTensorAndFile) {
  temp_dir dir;
  const std::string msg = open_error(dir, safetensors_bytes(k_good_header, std::string(12, '\0')));
  EXPECT_NE(msg.find("bad.safetensors"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'b'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;
}

TEST(SafetensorsReader, TooShortAndOversizedHeaderLength) {
  temp_dir dir;
  EXPECT_NE(open_error(dir, "abc").find("too short"), std::string::npos);
  std::string bytes = safetensors_bytes(k_good_header, std::string(16, '\0'));
  bytes[0] = char(0xff);  // header length now points past the end of the file
  EXPECT_NE(open_error(dir, bytes).find("runs past the end"), std::string::npos);
  bytes[7] = char(0x7f);  // absurd length
  EXPECT_NE(open_error(dir, bytes).find("implausible"), std::string::npos);
}

TEST(SafetensorsReader, CorruptJson) {
  temp_dir dir;
  const std::string msg = open_error(dir, safetensors_bytes(R"({"a":{"dtype":)", ""));
  EXPECT_NE(msg.find("header JSON"), std::string::npos) << msg;
  EXPECT_NE(open_error(dir, safetensors_bytes("[1,2]", "")).find("not an object"), std::string::npos);
}

TEST(SafetensorsReader, ShapeTimesDtypeMustMatchByteLength) {
  temp_dir dir;
  const std::string msg = open_error(
      dir, safetensors_bytes(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})",
                             std::string(8, '\0')));
  EXPECT_NE(msg.find("'w'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("needs 12"), std::string::npos) << msg;
}

TEST(SafetensorsReader, OverlapUnknownDtypeAndBadOffsets) {
  temp_dir dir;
  const std::string overlap = open_error(
      dir, safetensors_bytes(R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                             R"("y":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                             std::string(12, '\0')));
  EXPECT_NE(overlap.find("overlap"), std::string::npos) << overlap;
  EXPECT_NE(overlap.find("'x'"), std::string::npos) << overlap;

  const std::string dtype = open_error(
      dir, safetensors_bytes(R"({"x":{"dtype":"Q4","shape":[2],"data_offsets":[0,2]}})", "ab"));
  EXPECT_NE(dtype.find("unknown dtype 'Q4'"), std::string::npos) << dtype;

  const std::string offsets = open_error(
      dir, safetensors_bytes(R"({"x":{"dtype":"U8","shape":[2],"data_offsets":[2,0]}})", "ab"));
  EXPECT_NE(offsets.find("end before begin"), std::string::npos) << offsets;

  const std::string shape = open_error(
      dir, safetensors_bytes(R"({"x":{"dtype":"U8","shape":[-2],"data_offsets":[0,2]}})", "ab"));
  EXPECT_NE(shape.find("non-negative"), std::string::npos) << shape;
}

TEST(SafetensorsReader, MissingFileAndMissingTensor) {
  temp_dir dir;
  EXPECT_THROW(safetensors_file(dir.file("absent.safetensors")), checkpoint_error);
  write_bytes(dir.file("ok.safetensors"), safetensors_bytes(k_good_header, std::string(16, '\0')));
  checkpoint ckpt(dir.file("ok.safetensors"));
  try {
    ckpt.get("nope");
    FAIL() << "missing tensor accepted";
  } catch (const checkpoint_error& e) {
    EXPECT_NE(std::string(e.what()).find("'nope'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("ok.safetensors"), std::string::npos) << e.what();
  }
}

TEST(SafetensorsReader, MisShapedAndUnexpectedTensors) {
  temp_dir dir;
  write_bytes(dir.file("ok.safetensors"), safetensors_bytes(k_good_header, std::string(16, '\0')));
  checkpoint ckpt(dir.file("ok.safetensors"));
  try {
    ckpt.get("b", {4});
    FAIL() << "wrong shape accepted";
  } catch (const checkpoint_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("'b'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[2, 2]"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[4]"), std::string::npos) << msg;
  }
  tensor_claims claims(ckpt);
  claims.take("a", {2});
  try {
    claims.expect_all_taken("");
    FAIL() << "leftover tensor not reported";
  } catch (const checkpoint_error& e) {
    EXPECT_NE(std::string(e.what()).find("unexpected tensor(s)"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("'b'"), std::string::npos);
  }
  EXPECT_NO_THROW(claims.expect_all_taken("a"));
}

TEST(SafetensorsReader, ReadsTheFixtureCheckpoint) {
  checkpoint ckpt(testing::fixtures_dir() + "/qwen3vl-tiny/model");
  const tensor_view e = ckpt.get("model.language_model.embed_tokens.weight", {151936, 64});
  EXPECT_EQ(e.dtype, st_dtype::bf16);
  EXPECT_EQ(e.nbytes, size_t(151936) * 64 * 2);
  EXPECT_FALSE(ckpt.contains("lm_head.weight"));
}

}  // namespace
}  // namespace vlserve::model
