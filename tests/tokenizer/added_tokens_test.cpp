// The added-token splitter on made-up tokens, for the flags the Qwen file leaves off
// (lstrip, rstrip, single_word) and for leftmost-longest matching.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/tokenizer/added_tokens.hpp"

using namespace vlserve::model;

namespace {

added_token token(std::int32_t id, std::string content) {
  added_token t;
  t.id = id;
  t.content = std::move(content);
  return t;
}

// "[id]" for token segments, the text itself otherwise.
std::vector<std::string> split(const added_token_matcher& m, const std::string& text) {
  std::vector<std::string> out;
  for (const text_segment& s : m.split(text)) {
    const std::string piece = text.substr(s.begin, s.end - s.begin);
    out.push_back(s.token_id < 0 ? piece : std::string("[").append(std::to_string(s.token_id)).append(":").append(piece).append("]"));
  }
  return out;
}

using parts = std::vector<std::string>;

}  // namespace

TEST(AddedTokens, LeftmostThenLongest) {
  const added_token_matcher m({token(1, "<a>"), token(2, "<a><b>"), token(3, "b><")});
  EXPECT_EQ(split(m, "x<a><b>y<a>"), (parts{"x", "[2:<a><b>]", "y", "[1:<a>]"}));
  EXPECT_EQ(split(m, "<ab><"), (parts{"<a", "[3:b><]"}));
  EXPECT_EQ(split(m, ""), parts{});
  EXPECT_EQ(split(m, "plain"), parts{"plain"});
}

TEST(AddedTokens, StripFlagsSwallowNeighbouringWhitespace) {
  added_token l = token(1, "<L>");
  l.lstrip = true;
  added_token r = token(2, "<R>");
  r.rstrip = true;
  const added_token_matcher m({l, r});
  EXPECT_EQ(split(m, "a \t<L> b"), (parts{"a", "[1: \t<L>]", " b"}));
  EXPECT_EQ(split(m, "a <R> \n b"), (parts{"a ", "[2:<R> \n ]", "b"}));
  // lstrip does not reach back into what the previous token took.
  EXPECT_EQ(split(m, "<R>  <L>"), (parts{"[2:<R>  ]", "[1:<L>]"}));
}

TEST(AddedTokens, SingleWordRejectsMatchesInsideWords) {
  added_token w = token(7, "cat");
  w.single_word = true;
  const added_token_matcher m({w});
  EXPECT_EQ(split(m, "cat concat cats cat_ (cat)"), (parts{"[7:cat]", " concat cats cat_ (", "[7:cat]", ")"}));
  EXPECT_EQ(split(m, "\xC3\xA9" "cat"), parts{"\xC3\xA9" "cat"});  // é is a word character
}
