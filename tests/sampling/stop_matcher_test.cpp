// Stop strings are found however the text is split into pieces, and no byte of a stop string is
// ever emitted; text that only looked like the start of one is released.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "model/sampling/stop_matcher.hpp"

using vlserve::model::stop_matcher;

namespace {

struct outcome {
  std::string text;  // everything emitted, flush included when no stop
  bool stopped = false;
  std::string matched;
};

outcome run(const std::vector<std::string>& stops, const std::vector<std::string>& pieces) {
  stop_matcher m(stops);
  outcome o;
  for (const std::string& piece : pieces) {
    const auto r = m.feed(piece);
    o.text += r.emit;
    if (r.stopped) {
      o.stopped = true;
      o.matched = r.matched;
    }
  }
  if (!o.stopped) o.text += m.flush();
  return o;
}

// Every way to cut text into two or three pieces (empty pieces included).
std::vector<std::vector<std::string>> all_splits(const std::string& text) {
  std::vector<std::vector<std::string>> out;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    for (std::size_t j = i; j <= text.size(); ++j)
      out.push_back({text.substr(0, i), text.substr(i, j - i), text.substr(j)});
  }
  return out;
}

std::vector<std::string> bytes_of(const std::string& text) {
  std::vector<std::string> out;
  for (const char c : text) out.emplace_back(1, c);
  return out;
}

}  // namespace

TEST(StopMatcher, FindsStopAtEveryBoundary) {
  const std::string text = "The answer is 42.<|stop|> trailing";
  for (const auto& pieces : all_splits(text)) {
    const outcome o = run({"<|stop|>"}, pieces);
    ASSERT_TRUE(o.stopped) << pieces[0] << "|" << pieces[1] << "|" << pieces[2];
    ASSERT_EQ(o.text, "The answer is 42.");
    ASSERT_EQ(o.matched, "<|stop|>");
  }
  EXPECT_EQ(run({"<|stop|>"}, bytes_of(text)).text, "The answer is 42.");
}

TEST(StopMatcher, FalseStartsAreReleasedAtEveryBoundary) {
  // "STO" and "ST" look like the start of "STOP" but are not; "STOP" comes later.
  const std::string text = "a STO b ST c STOP d";
  for (const auto& pieces : all_splits(text)) {
    const outcome o = run({"STOP"}, pieces);
    ASSERT_TRUE(o.stopped);
    ASSERT_EQ(o.text, "a STO b ST c ");
  }
}

TEST(StopMatcher, WithoutStopEverythingComesOutOnceFlushed) {
  const std::string text = "ends with a partial <|st";
  for (const auto& pieces : all_splits(text)) {
    const outcome o = run({"<|stop|>", "zzz"}, pieces);
    ASSERT_FALSE(o.stopped);
    ASSERT_EQ(o.text, text);
  }
}

TEST(StopMatcher, HoldsBackOnlyAPossibleStopPrefix) {
  stop_matcher m({"END", "xyz"});
  EXPECT_EQ(m.feed("abc").emit, "abc");
  EXPECT_EQ(m.feed("dE").emit, "d");
  EXPECT_EQ(m.feed("N").emit, "");
  const auto r = m.feed("Dmore");
  EXPECT_TRUE(r.stopped);
  EXPECT_EQ(r.emit, "");
  EXPECT_EQ(r.matched, "END");
  EXPECT_TRUE(m.stopped());
  EXPECT_EQ(m.feed("ignored").emit, "");
  EXPECT_EQ(m.flush(), "");
}

TEST(StopMatcher, EarliestStopWinsAndLongestAtTheSameStart) {
  EXPECT_EQ(run({"world", "lo w"}, {"hello world"}).matched, "lo w");
  EXPECT_EQ(run({"ab", "abc"}, {"xxabcx"}).matched, "abc");
  EXPECT_EQ(run({"ab", "abc"}, {"xxabcx"}).text, "xx");
}

TEST(StopMatcher, StopAtTheVeryStartAndRepeatedCharacters) {
  EXPECT_EQ(run({"\n\n"}, {"\n", "\n", "text"}).text, "");
  // "aab" inside "aaab": the held "aa" must shift by one, not be dropped.
  for (const auto& pieces : all_splits("xaaab")) {
    const outcome o = run({"aab"}, pieces);
    ASSERT_TRUE(o.stopped);
    ASSERT_EQ(o.text, "xa");
  }
}

TEST(StopMatcher, MultibyteStopString) {
  const std::string text = "caf\xc3\xa9 fin\xe3\x80\x82 more";  // "café fin。 more", stop "。"
  for (const auto& pieces : all_splits(text)) {
    const outcome o = run({"\xe3\x80\x82"}, pieces);
    ASSERT_TRUE(o.stopped);
    ASSERT_EQ(o.text, "caf\xc3\xa9 fin");
  }
}

TEST(StopMatcher, InvalidStopListsAreRejected) {
  EXPECT_THROW(stop_matcher({""}), std::invalid_argument);
  EXPECT_THROW(stop_matcher(std::vector<std::string>(17, "x")), std::invalid_argument);
  EXPECT_NO_THROW(stop_matcher({}));
  EXPECT_EQ(run({}, {"abc", "def"}).text, "abcdef");
}
