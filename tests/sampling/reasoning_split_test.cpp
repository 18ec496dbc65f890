// The reasoning/content split on the Thinking model's output shape, one-shot and streamed with
// the text cut at every possible place (tags split across pieces included).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/sampling/reasoning_split.hpp"

using namespace vlserve::model;

namespace {

reasoning_split streamed(const std::vector<std::string>& pieces) {
  reasoning_splitter s;
  reasoning_split out;
  for (const std::string& piece : pieces) {
    const reasoning_delta d = s.feed(piece);
    out.reasoning += d.reasoning;
    out.content += d.content;
  }
  const reasoning_delta d = s.finish();
  out.reasoning += d.reasoning;
  out.content += d.content;
  out.closed = !s.in_reasoning();
  return out;
}

void expect_every_split_agrees(const std::string& text, const std::string& reasoning, const std::string& content,
                               bool closed) {
  const reasoning_split whole = split_reasoning(text);
  EXPECT_EQ(whole.reasoning, reasoning);
  EXPECT_EQ(whole.content, content);
  EXPECT_EQ(whole.closed, closed);
  for (std::size_t i = 0; i <= text.size(); ++i) {
    for (std::size_t j = i; j <= text.size(); ++j) {
      const reasoning_split r = streamed({text.substr(0, i), text.substr(i, j - i), text.substr(j)});
      ASSERT_EQ(r.reasoning, reasoning) << "cut at " << i << ", " << j;
      ASSERT_EQ(r.content, content) << "cut at " << i << ", " << j;
      ASSERT_EQ(r.closed, closed);
    }
  }
  std::vector<std::string> bytes;
  for (const char c : text) bytes.emplace_back(1, c);
  const reasoning_split r = streamed(bytes);
  EXPECT_EQ(r.reasoning, reasoning);
  EXPECT_EQ(r.content, content);
}

}  // namespace

TEST(ReasoningSplit, UsualShape) {
  expect_every_split_agrees("Let me look.\n</think>\n\nA cat.", "Let me look.", "A cat.", true);
}

TEST(ReasoningSplit, ReEmittedOpeningTagIsDropped) {
  expect_every_split_agrees("<think>\nHmm.\n</think>\n\nYes.", "Hmm.", "Yes.", true);
  expect_every_split_agrees("\n<think>Hmm.</think>Yes.", "Hmm.", "Yes.", true);
}

TEST(ReasoningSplit, InnerNewlinesAndLaterTagsAreKept) {
  expect_every_split_agrees("a\n\nb\n</think>\n\nc\n\nd <think> e </think>\n", "a\n\nb",
                            "c\n\nd <think> e </think>\n", true);
  // A second "<think>" inside the reasoning is text.
  expect_every_split_agrees("x<think>y</think>z", "x<think>y", "z", true);
}

TEST(ReasoningSplit, WithoutCloseTagEverythingIsReasoning) {
  expect_every_split_agrees("still thinking\n\n", "still thinking", "", false);
  expect_every_split_agrees("almost </thin", "almost </thin", "", false);
  expect_every_split_agrees("<thi", "<thi", "", false);
}

TEST(ReasoningSplit, EmptyReasoningOrEmptyContent) {
  expect_every_split_agrees("</think>\n\nOnly an answer.", "", "Only an answer.", true);
  expect_every_split_agrees("Only reasoning.</think>\n\n", "Only reasoning.", "", true);
  expect_every_split_agrees("", "", "", false);
}

TEST(ReasoningSplit, StreamsWithoutWaitingLongerThanNeeded) {
  reasoning_splitter s;
  EXPECT_EQ(s.feed("First").reasoning, "First");
  EXPECT_EQ(s.feed(" step\n").reasoning, " step");  // the newline may precede </think>
  EXPECT_EQ(s.feed("more </th").reasoning, "\nmore ");
  EXPECT_TRUE(s.in_reasoning());
  const reasoning_delta d = s.feed("ink>\n\nAns");
  EXPECT_EQ(d.reasoning, "");
  EXPECT_EQ(d.content, "Ans");
  EXPECT_FALSE(s.in_reasoning());
  EXPECT_EQ(s.feed("wer").content, "wer");
  const reasoning_delta end = s.finish();
  EXPECT_EQ(end.reasoning, "");
  EXPECT_EQ(end.content, "");
}

TEST(ReasoningSplit, HeldNewlinesAreBounded) {
  reasoning_splitter s;
  const std::string newlines(200, '\n');
  const reasoning_delta d = s.feed("x" + newlines);
  EXPECT_EQ(d.reasoning, "x" + std::string(200 - reasoning_splitter::max_held_newlines, '\n'));
}
