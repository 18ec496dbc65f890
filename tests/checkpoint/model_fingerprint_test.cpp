// model_fingerprint: equal for equal files, different when config, tokenizer or the leading weight
// bytes differ, and independent of the directory's path; a directory without config.json or
// tokenizer.json is refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>

#include "model/checkpoint/model_fingerprint.hpp"
#include "tests/checkpoint/temp_dir.hpp"
#include "tests/support/temp_dir.hpp"

namespace vlserve::model {
namespace {

using testing::temp_dir;
using testing::write_bytes;

void write_model(const temp_dir& d, const std::string& config, const std::string& tokenizer,
                 const std::string& weights) {
  write_bytes(d.file("config.json"), config);
  write_bytes(d.file("tokenizer.json"), tokenizer);
  write_bytes(d.file("model.safetensors"), weights);
}

TEST(ModelFingerprint, EqualFilesGiveEqualFingerprintsAnywhere) {
  temp_dir a, b;
  write_model(a, "{\"a\":1}", "{\"t\":2}", std::string(3000, 'w'));
  write_model(b, "{\"a\":1}", "{\"t\":2}", std::string(3000, 'w'));
  EXPECT_EQ(model_fingerprint(a.path()), model_fingerprint(b.path()));
  EXPECT_EQ(model_fingerprint(a.path()).size(), 16u);
}

TEST(ModelFingerprint, ConfigTokenizerOrLeadingWeightsChangeIt) {
  temp_dir base, config, tokenizer, weights, late;
  write_model(base, "{\"a\":1}", "{\"t\":2}", std::string(3000, 'w'));
  write_model(config, "{\"a\":2}", "{\"t\":2}", std::string(3000, 'w'));
  write_model(tokenizer, "{\"a\":1}", "{\"t\":3}", std::string(3000, 'w'));
  write_model(weights, "{\"a\":1}", "{\"t\":2}", std::string(2999, 'w') + "x");
  const std::string fp = model_fingerprint(base.path());
  EXPECT_NE(model_fingerprint(config.path()), fp);
  EXPECT_NE(model_fingerprint(tokenizer.path()), fp);
  EXPECT_NE(model_fingerprint(weights.path()), fp);
  // Beyond the hashed first MiB a change goes unseen: the fingerprint stays cheap for 4 GB shards.
  write_model(late, "{\"a\":1}", "{\"t\":2}", std::string(1 << 20, 'w') + "late");
  temp_dir late2;
  write_model(late2, "{\"a\":1}", "{\"t\":2}", std::string(1 << 20, 'w') + "LATE");
  EXPECT_EQ(model_fingerprint(late.path()), model_fingerprint(late2.path()));
}

TEST(ModelFingerprint, MissingConfigOrTokenizerIsAnError) {
  temp_dir d;
  write_bytes(d.file("config.json"), "{}");
  EXPECT_THROW(model_fingerprint(d.path()), std::runtime_error);
}

}  // namespace
}  // namespace vlserve::model
