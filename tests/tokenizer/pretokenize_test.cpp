// The hand-written Qwen2 split against pieces worked out from the regex by hand, alternative by
// alternative, including its backtracking corners (\s+(?!\S), \s*[\r\n]+).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/tokenizer/pretokenize.hpp"

using vlserve::model::qwen2_pretokenize;

namespace {

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  for (const std::string_view p : qwen2_pretokenize(text)) out.emplace_back(p);
  return out;
}

using pieces = std::vector<std::string>;

}  // namespace

TEST(Pretokenize, Contractions) {
  EXPECT_EQ(split("I'LL don't we're"), (pieces{"I", "'LL", " don", "'t", " we", "'re"}));
  EXPECT_EQ(split("'tis 'x"), (pieces{"'t", "is", " '", "x"}));
  EXPECT_EQ(split("it\xC5\xBF"), (pieces{"it\xC5\xBF"}));        // U+017F is a letter...
  EXPECT_EQ(split("'\xC5\xBF"), (pieces{"'\xC5\xBF"}));            // ...and folds to 's' after an apostrophe
}

TEST(Pretokenize, LettersTakeOneLeadingNonLetter) {
  EXPECT_EQ(split("Hello world"), (pieces{"Hello", " world"}));
  EXPECT_EQ(split("\tab.cd"), (pieces{"\tab", ".cd"}));
  EXPECT_EQ(split("a\nb"), (pieces{"a", "\n", "b"}));  // \r and \n never lead a word
  EXPECT_EQ(split("x1y"), (pieces{"x", "1", "y"}));
  EXPECT_EQ(split("\xE4\xBD\xA0\xE5\xA5\xBD"), (pieces{"\xE4\xBD\xA0\xE5\xA5\xBD"}));  // 你好 is \p{L}
}

TEST(Pretokenize, NumbersAreSingleScalars) {
  EXPECT_EQ(split("2024"), (pieces{"2", "0", "2", "4"}));
  EXPECT_EQ(split("\xC2\xB2\xC2\xBD"), (pieces{"\xC2\xB2", "\xC2\xBD"}));  // ²½ are \p{N}
}

TEST(Pretokenize, PunctuationRunsKeepOneLeadingSpaceAndTrailingNewlines) {
  EXPECT_EQ(split("a ...!!\n\nb"), (pieces{"a", " ...!!\n\n", "b"}));
  EXPECT_EQ(split("  {"), (pieces{" ", " {"}));
  EXPECT_EQ(split("x\t{"), (pieces{"x", "\t", "{"}));  // only U+0020 may lead a punctuation run
}

TEST(Pretokenize, WhitespaceRuns) {
  EXPECT_EQ(split("a   b"), (pieces{"a", "  ", " b"}));              // \s+(?!\S) leaves one space
  EXPECT_EQ(split("end   "), (pieces{"end", "   "}));                // the whole run at the end
  EXPECT_EQ(split("a \n\n  b"), (pieces{"a", " \n\n", " ", " b"}));  // \s*[\r\n]+ ends at the last newline
  EXPECT_EQ(split("a\r\n\r\n"), (pieces{"a", "\r\n\r\n"}));
  EXPECT_EQ(split("   \t  \n  "), (pieces{"   \t  \n", "  "}));
  EXPECT_EQ(split("a \t1"), (pieces{"a", " ", "\t", "1"}));
  EXPECT_EQ(split("a\xC2\xA0" "b"), (pieces{"a", "\xC2\xA0" "b"}));  // NBSP is \s, and leads a word
}

TEST(Pretokenize, PiecesTileTheText) {
  const std::string text = "Mixed 中文 and\u00A0émojis 👨‍👩‍👧 #1!!\r\n\tend  ";
  std::string joined;
  for (const std::string& p : split(text)) {
    EXPECT_FALSE(p.empty());
    joined += p;
  }
  EXPECT_EQ(joined, text);
  EXPECT_TRUE(split("").empty());
}
