// Qwen tool-call blocks: extraction, what stays content, and the streaming hold-back helpers.
#include <gtest/gtest.h>

#include <string>

#include "model/sampling/tool_calls.hpp"

using namespace vlserve::model;

TEST(ToolCalls, SingleCallWithLeadingText) {
  const auto r = parse_tool_calls(
      "Checking.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"days\": 2}}\n"
      "</tool_call>");
  ASSERT_EQ(r.calls.size(), 1u);
  EXPECT_EQ(r.calls[0].name, "get_weather");
  EXPECT_EQ(r.calls[0].arguments, "{\"city\":\"Paris\",\"days\":2}");
  EXPECT_EQ(r.content, "Checking.\n");
}

TEST(ToolCalls, SeveralCallsAndTrailingText) {
  const auto r = parse_tool_calls(
      "<tool_call>\n{\"name\": \"a\", \"arguments\": {}}\n</tool_call>\n"
      "<tool_call>\n{\"name\": \"b\", \"arguments\": {\"x\": [1, 2, {\"y\": null}], \"s\": \"caf\xc3\xa9\"}}\n"
      "</tool_call>\n\nDone.");
  ASSERT_EQ(r.calls.size(), 2u);
  EXPECT_EQ(r.calls[0].name, "a");
  EXPECT_EQ(r.calls[0].arguments, "{}");
  EXPECT_EQ(r.calls[1].name, "b");
  EXPECT_EQ(r.calls[1].arguments, "{\"x\":[1,2,{\"y\":null}],\"s\":\"caf\xc3\xa9\"}");
  EXPECT_EQ(r.content, "Done.");
}

TEST(ToolCalls, OnlyCallsMeansEmptyContent) {
  const auto r = parse_tool_calls("<tool_call>{\"name\":\"f\",\"arguments\":{\"k\":1}}</tool_call>\n");
  ASSERT_EQ(r.calls.size(), 1u);
  EXPECT_EQ(r.calls[0].arguments, "{\"k\":1}");
  EXPECT_EQ(r.content, "");
}

TEST(ToolCalls, ArgumentsAsStringOrAbsent) {
  auto r = parse_tool_calls("<tool_call>{\"name\":\"f\",\"arguments\":\"{\\\"q\\\": 1}\"}</tool_call>");
  ASSERT_EQ(r.calls.size(), 1u);
  EXPECT_EQ(r.calls[0].arguments, "{\"q\": 1}");
  r = parse_tool_calls("<tool_call>{\"name\":\"now\"}</tool_call>");
  ASSERT_EQ(r.calls.size(), 1u);
  EXPECT_EQ(r.calls[0].arguments, "{}");
}

TEST(ToolCalls, MalformedBlocksStayContentVerbatim) {
  const std::string cases[] = {
      "<tool_call>\n{\"name\": \"f\", \"arguments\": {\"a\": }\n</tool_call>",  // bad JSON
      "<tool_call>{\"arguments\": {}}</tool_call>",                             // no name
      "<tool_call>{\"name\": 3, \"arguments\": {}}</tool_call>",                // name not a string
      "<tool_call>{\"name\": \"\", \"arguments\": {}}</tool_call>",             // empty name
      "<tool_call>{\"name\": \"f\", \"arguments\": 5}</tool_call>",             // arguments not object/string
      "<tool_call>[\"f\"]</tool_call>",                                         // not an object
      "<tool_call>{\"name\": \"f\"} extra</tool_call>",                         // trailing text
      "<tool_call></tool_call>",                                                // empty
      "<tool_call>\n{\"name\": \"f\", \"arguments\": {}}",                      // never closed
  };
  for (const std::string& text : cases) {
    const auto r = parse_tool_calls("Before " + text + " after");
    EXPECT_TRUE(r.calls.empty()) << text;
    EXPECT_EQ(r.content, "Before " + text + " after");
  }
}

TEST(ToolCalls, GoodAndBadBlocksMix) {
  const std::string bad = "<tool_call>{oops}</tool_call>";
  const auto r = parse_tool_calls(bad + "\n<tool_call>{\"name\":\"g\",\"arguments\":{}}</tool_call>");
  ASSERT_EQ(r.calls.size(), 1u);
  EXPECT_EQ(r.calls[0].name, "g");
  EXPECT_EQ(r.content, bad + "\n");
}

TEST(ToolCalls, DeepNestingIsRefusedWithoutCrashing) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::string text = "<tool_call>{\"name\":\"f\",\"arguments\":{\"a\":" + deep + "}}</tool_call>";
  const auto r = parse_tool_calls(text);
  EXPECT_TRUE(r.calls.empty());
  EXPECT_EQ(r.content, text);
  const std::string ok = std::string(10, '[') + std::string(10, ']');
  EXPECT_EQ(parse_tool_calls("<tool_call>{\"name\":\"f\",\"arguments\":{\"a\":" + ok + "}}</tool_call>").calls.size(),
            1u);
}

TEST(ToolCalls, CloseTagInsideAJsonStringEndsTheBlockEarly) {
  const std::string text = "<tool_call>{\"name\":\"f\",\"arguments\":{\"s\":\"</tool_call>\"}}</tool_call>";
  const auto r = parse_tool_calls(text);
  EXPECT_TRUE(r.calls.empty());
  EXPECT_EQ(r.content, text);
}

TEST(ToolCalls, MayBeInToolCall) {
  EXPECT_FALSE(may_be_in_tool_call(""));
  EXPECT_FALSE(may_be_in_tool_call("plain text"));
  EXPECT_FALSE(may_be_in_tool_call("a < b"));
  EXPECT_TRUE(may_be_in_tool_call("text <"));
  EXPECT_TRUE(may_be_in_tool_call("text <tool_c"));
  EXPECT_TRUE(may_be_in_tool_call("text <tool_call>\n{\"name\": \"f\""));
  EXPECT_TRUE(may_be_in_tool_call("<tool_call>{}</tool_call>\n<tool_call>{"));
  EXPECT_FALSE(may_be_in_tool_call("<tool_call>{}</tool_call>"));
  EXPECT_FALSE(may_be_in_tool_call("<tool_call>{}</tool_call> done"));
}

TEST(ToolCalls, FreePrefixForStreaming) {
  EXPECT_EQ(tool_call_free_prefix("Sure."), 5u);
  EXPECT_EQ(tool_call_free_prefix("Sure.<tool"), 5u);
  EXPECT_EQ(tool_call_free_prefix("Sure.\n<tool_call>{}</tool_call> more"), 6u);
  EXPECT_EQ(tool_call_free_prefix("x <y"), 4u);  // "<y" cannot start the tag
  EXPECT_EQ(tool_call_free_prefix("x <t"), 2u);
  // The streamed prefix is exactly the start of the final content.
  const std::string text = "Let me check.\n<tool_call>{\"name\":\"f\",\"arguments\":{}}</tool_call>";
  const std::size_t n = tool_call_free_prefix(text);
  EXPECT_EQ(parse_tool_calls(text).content.substr(0, n), text.substr(0, n));
}
