// Streaming detokenisation: every piece is valid UTF-8, nothing is lost or duplicated, and the
// pieces join to the one-shot decode, for the golden cases and for hand-made awkward sequences.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/tokenizer/stream_decoder.hpp"
#include "model/tokenizer/utf8.hpp"
#include "tests/tokenizer/tokenizer_fixture.hpp"

using vlserve::model::is_valid_utf8;
using vlserve::model::stream_decoder;
using vlserve::testing::qwen3_tokenizer;
using vlserve::testing::read_json_fixture;

namespace {

struct streamed {
  std::vector<std::string> pieces;
  std::string joined;
};

streamed stream(const std::vector<std::int32_t>& ids, bool skip_special) {
  stream_decoder dec(qwen3_tokenizer(), skip_special);
  streamed out;
  for (const std::int32_t id : ids) {
    out.pieces.push_back(dec.push(id));
    EXPECT_LE(dec.pending_bytes(), 3u);
  }
  out.pieces.push_back(dec.flush());
  EXPECT_EQ(dec.pending_bytes(), 0u);
  for (const std::string& p : out.pieces) out.joined += p;
  return out;
}

void expect_streams_like_decode(const std::vector<std::int32_t>& ids, const std::string& label) {
  for (const bool skip : {false, true}) {
    const streamed s = stream(ids, skip);
    for (const std::string& p : s.pieces) EXPECT_TRUE(is_valid_utf8(p)) << label;
    EXPECT_EQ(s.joined, qwen3_tokenizer().decode(ids, skip)) << label << " skip_special=" << skip;
  }
}

std::vector<std::int32_t> ids_of(const rapidjson::Value& array) {
  std::vector<std::int32_t> ids;
  for (const auto& v : array.GetArray()) ids.push_back(v.GetInt());
  return ids;
}

}  // namespace

TEST(StreamDecoder, EveryGoldenCaseJoinsToTheFullDecode) {
  const auto doc = read_json_fixture("tokenizer/cases.json");
  for (const auto& c : doc["cases"].GetArray()) expect_streams_like_decode(ids_of(c["ids"]), c["text"].GetString());
}

TEST(StreamDecoder, FixtureModelOutputsJoinToTheFullDecode) {
  for (const char* name : {"text_single", "text_multiturn"}) {
    const auto doc = read_json_fixture(std::string("qwen3vl-tiny/cases/") + name + ".json");
    expect_streams_like_decode(ids_of(doc["generated_ids"]), name);
    expect_streams_like_decode(ids_of(doc["input_ids"]), name);
  }
}

TEST(StreamDecoder, HoldsBackAnEmojiSplitAcrossTokens) {
  // U+13000 (Egyptian hieroglyph) has no token of its own: its 4 bytes take more than one token.
  const std::vector<std::int32_t> ids = qwen3_tokenizer().encode("a \U00013000 b");
  ASSERT_GT(ids.size(), 3u);
  stream_decoder dec(qwen3_tokenizer());
  std::vector<std::string> pieces;
  for (const std::int32_t id : ids) pieces.push_back(dec.push(id));
  EXPECT_EQ(pieces.front(), "a");
  EXPECT_EQ(pieces[ids.size() - 2], "\U00013000");  // emitted whole, when its last byte arrives
  std::string middle;
  int held = 0;
  for (std::size_t i = 1; i + 1 < ids.size(); ++i) {
    middle += pieces[i];
    held += pieces[i].empty();
  }
  EXPECT_EQ(middle, " \U00013000");
  EXPECT_GE(held, 1);
  EXPECT_EQ(pieces.back(), " b");
  EXPECT_EQ(dec.flush(), "");
}

TEST(StreamDecoder, UnfinishedSequenceBecomesOneReplacementAtFlush) {
  std::vector<std::int32_t> ids = qwen3_tokenizer().encode("x\U00013000");
  ids.pop_back();  // drop the token carrying the emoji's last byte(s)
  expect_streams_like_decode(ids, "truncated emoji");
  stream_decoder dec(qwen3_tokenizer());
  std::string joined;
  for (const std::int32_t id : ids) joined += dec.push(id);
  EXPECT_GT(dec.pending_bytes(), 0u);
  EXPECT_EQ(joined + dec.flush(), "x\xEF\xBF\xBD");
}

TEST(StreamDecoder, StrayContinuationBytesMatchTheFullDecode) {
  // Emoji tokens in shuffled order give lead and continuation bytes in impossible places.
  const std::vector<std::int32_t> emoji = qwen3_tokenizer().encode("\U00013000\U0001FAE0\U0001D518");
  std::vector<std::int32_t> shuffled(emoji.rbegin(), emoji.rend());
  expect_streams_like_decode(shuffled, "reversed emoji tokens");
}

TEST(StreamDecoder, SkipsSpecialsOnlyWhenAsked) {
  const std::int32_t im_end = *qwen3_tokenizer().token_id("<|im_end|>");
  const std::int32_t think = *qwen3_tokenizer().token_id("<think>");
  stream_decoder keep(qwen3_tokenizer(), false);
  stream_decoder skip(qwen3_tokenizer(), true);
  EXPECT_EQ(keep.push(im_end), "<|im_end|>");
  EXPECT_EQ(skip.push(im_end), "");
  EXPECT_EQ(skip.push(think), "<think>");  // <think> is an added token but not a special one
}
