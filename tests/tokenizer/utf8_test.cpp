// UTF-8 repair follows the maximal-subpart rule (one U+FFFD per maximal ill-formed prefix), which
// is what the reference decoder (Rust from_utf8_lossy) does.
#include <gtest/gtest.h>

#include <string>

#include "model/tokenizer/utf8.hpp"

using namespace vlserve::model;

namespace {
const std::string fffd = "\xEF\xBF\xBD";
}

TEST(Utf8, ValidTextIsUnchanged) {
  const std::string text = "a\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80";
  EXPECT_TRUE(is_valid_utf8(text));
  EXPECT_EQ(to_valid_utf8(text), text);
}

TEST(Utf8, MaximalSubpartsBecomeOneReplacementEach) {
  EXPECT_EQ(to_valid_utf8("\x80"), fffd);
  EXPECT_EQ(to_valid_utf8("\xC0\xAF"), fffd + fffd);            // overlong lead
  EXPECT_EQ(to_valid_utf8("\xE4\xB8" "A"), fffd + "A");          // unfinished, then ASCII
  EXPECT_EQ(to_valid_utf8("\xED\xA0\x80"), fffd + fffd + fffd);  // surrogate
  EXPECT_EQ(to_valid_utf8("\xF0\x9F\x98"), fffd);                // truncated at the end
  EXPECT_EQ(to_valid_utf8("\xF5\x80"), fffd + fffd);
  EXPECT_FALSE(is_valid_utf8("\xF0\x9F\x98"));
}

TEST(Utf8, NextReportsTruncationSeparatelyFromErrors) {
  EXPECT_EQ(next_utf8("\xF0\x9F").what, utf8_step::kind::truncated);
  EXPECT_EQ(next_utf8("\xF0\x9F" "a").what, utf8_step::kind::invalid);
  EXPECT_EQ(next_utf8("\xF0\x9F" "a").length, 2u);
  const utf8_step ok = next_utf8("\xF0\x9F\x98\x80");
  EXPECT_EQ(ok.what, utf8_step::kind::scalar);
  EXPECT_EQ(ok.cp, U'\U0001F600');
  std::string back;
  append_utf8(back, ok.cp);
  EXPECT_EQ(back, "\xF0\x9F\x98\x80");
}
