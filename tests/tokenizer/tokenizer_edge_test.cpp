// Lookups others rely on, edge inputs that must not crash, and clear errors for bad files.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "model/tokenizer/utf8.hpp"
#include "tests/tokenizer/tokenizer_fixture.hpp"

using vlserve::model::is_valid_utf8;
using vlserve::model::tokenizer;
using vlserve::testing::qwen3_tokenizer;
using vlserve::testing::tokenizer_json_path;

namespace {

using ids = std::vector<std::int32_t>;

std::string load_error(const std::string& path) {
  try {
    tokenizer::load(path);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

std::string write_temp(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST(TokenizerLookup, SpecialAndThinkingTokens) {
  const tokenizer& t = qwen3_tokenizer();
  EXPECT_EQ(t.token_id("<|endoftext|>"), 151643);
  EXPECT_EQ(t.token_id("<|im_start|>"), 151644);
  EXPECT_EQ(t.token_id("<|im_end|>"), 151645);
  EXPECT_EQ(t.token_id("<|vision_start|>"), 151652);
  EXPECT_EQ(t.token_id("<|image_pad|>"), 151655);
  EXPECT_EQ(t.token_id("<|video_pad|>"), 151656);
  EXPECT_EQ(t.token_id("<think>"), 151667);
  EXPECT_EQ(t.token_id("</think>"), 151668);
  EXPECT_EQ(t.token_id("Ġworld"), 1879);
  EXPECT_EQ(t.token_id("no such token here"), std::nullopt);
  EXPECT_EQ(t.token_id(" world"), std::nullopt);  // the file spells it "Ġworld"
  EXPECT_EQ(t.vocab_size(), 151669u);
  EXPECT_TRUE(t.is_special(151645));
  EXPECT_FALSE(t.is_special(151667));  // <think> is added but not special
  EXPECT_FALSE(t.is_special(1879));
  EXPECT_FALSE(t.is_special(-1));
  EXPECT_EQ(t.special_ids().size(), 14u);
}

TEST(TokenizerEdge, EmptyAndLoneSpecials) {
  const tokenizer& t = qwen3_tokenizer();
  EXPECT_EQ(t.encode(""), ids{});
  EXPECT_EQ(t.decode({}), "");
  EXPECT_EQ(t.encode("<|im_end|>"), ids{151645});
  EXPECT_EQ(t.encode("<|im_end|><|im_end|>"), (ids{151645, 151645}));
  EXPECT_EQ(t.encode("<think>"), ids{151667});
  EXPECT_EQ(t.decode({151645}, true), "");
  EXPECT_EQ(t.decode({151667}, true), "<think>");
  // A broken special is plain text.
  EXPECT_EQ(t.decode(t.encode("<|im_end|")), "<|im_end|");
  EXPECT_EQ(t.encode("<|im_end|").size(), 5u);  // <, |, im, _end, |
}

TEST(TokenizerEdge, InvalidUtf8InputReadsAsReplacementCharacters) {
  const tokenizer& t = qwen3_tokenizer();
  const std::string bad = "ok \xC0\xAF \xED\xA0\x80 \xF4\x90\x80\x80 \xE4\xB8 end\xF0\x9F";
  const std::string replaced = "ok \xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD "
                               "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD end\xEF\xBF\xBD";
  EXPECT_EQ(t.encode(bad), t.encode(replaced));
  EXPECT_EQ(t.decode(t.encode(bad)), replaced);
  EXPECT_EQ(t.decode(t.encode(std::string("a\0b", 3))), std::string("a\0b", 3));
  EXPECT_THROW(t.encode(std::string(tokenizer::max_encode_bytes + 1, 'a')), std::invalid_argument);
}

TEST(TokenizerEdge, DecodeSkipsIdsWithoutATokenAndRepairsBrokenBytes) {
  const tokenizer& t = qwen3_tokenizer();
  EXPECT_EQ(t.decode({9707, 151900, -5, 0}), "Hello!");
  const ids emoji = t.encode("\U00013000");
  ASSERT_GT(emoji.size(), 1u);
  const std::string half = t.decode({emoji[0]});
  EXPECT_TRUE(is_valid_utf8(half));
  EXPECT_NE(half.find("\xEF\xBF\xBD"), std::string::npos);
}

TEST(TokenizerEdge, LongRepeatedTextRoundTrips) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "word" + std::to_string(i) + (i % 7 == 0 ? "\n\n" : " ");
  text += std::string(5000, 'a') + std::string(3000, ' ') + std::string(3000, '!');
  const ids out = qwen3_tokenizer().encode(text);
  EXPECT_EQ(qwen3_tokenizer().decode(out), text);
  EXPECT_EQ(qwen3_tokenizer().encode(text), out);  // the second pass comes from the cache
}

TEST(TokenizerEdge, ConcurrentEncodesAgreeWithSerialOnes) {
  std::vector<std::string> texts;
  for (int t = 0; t < 4; ++t) {
    std::string text;
    for (int i = 0; i < 3000; ++i) text.append(std::to_string(t)).append(" w").append(std::to_string(i % 97)).append(" \u4e2d\u6587 ");
    texts.push_back(text);
  }
  const tokenizer fresh = tokenizer::load(tokenizer_json_path());  // its own, empty cache
  std::vector<ids> serial;
  for (const std::string& text : texts) serial.push_back(fresh.encode(text));
  std::vector<ids> parallel(texts.size());
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < texts.size(); ++t)
    threads.emplace_back([&, t] { parallel[t] = qwen3_tokenizer().encode(texts[t]); });
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(parallel, serial);
}

TEST(TokenizerLoad, MissingFileNamesThePath) {
  const std::string msg = load_error("/nonexistent/dir/tokenizer.json");
  EXPECT_NE(msg.find("/nonexistent/dir/tokenizer.json"), std::string::npos) << msg;
  const std::string dir = ::testing::TempDir();
  EXPECT_NE(load_error(dir).find(dir), std::string::npos);
}

TEST(TokenizerLoad, MalformedJsonNamesTheFile) {
  const std::string path = write_temp("broken_tokenizer.json", "{\"model\": {\"vocab\": ");
  const std::string msg = load_error(path);
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("not valid JSON"), std::string::npos) << msg;
}

TEST(TokenizerLoad, WrongShapeIsAnErrorNotACrash) {
  for (const std::string& body : {std::string("[]"), std::string("{}"), std::string("{\"model\": 3}")}) {
    const std::string path = write_temp("shape_tokenizer.json", body);
    const std::string msg = load_error(path);
    EXPECT_NE(msg.find(path), std::string::npos) << body << " -> " << msg;
  }
}

TEST(TokenizerLoad, RefusesAnotherPreTokenizerRegex) {
  std::string json = read_file(tokenizer_json_path());
  const std::string from = R"(\\p{N}|)";
  const std::size_t at = json.find(from);
  ASSERT_NE(at, std::string::npos);
  json.replace(at, from.size(), R"(\\p{N}{1,3}|)");  // the Qwen2.5-era digit grouping
  const std::string path = write_temp("other_regex_tokenizer.json", json);
  const std::string msg = load_error(path);
  EXPECT_NE(msg.find("regex"), std::string::npos) << msg;
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
}

TEST(TokenizerLoad, LoadsInWellUnderASecond) {
  const auto start = std::chrono::steady_clock::now();
  const tokenizer t = tokenizer::load(tokenizer_json_path());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 5.0);  // well under 1 s measured; generous for a loaded 2-core machine
  EXPECT_EQ(t.encode("Hello, world!"), (ids{9707, 11, 1879, 0}));
}
