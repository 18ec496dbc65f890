// The matcher byte by byte: valid texts are accepted to the end (and only then may EOS come),
// invalid ones are refused at the first byte that cannot continue.
#include <gtest/gtest.h>

#include "model/grammar/json_matcher.hpp"
#include "model/grammar/schema_compiler.hpp"

using namespace vlserve::model::grammar;

namespace {

// 1 = accepted and complete, 0 = accepted but incomplete, -1 = refused.
int run(const grammar& g, const std::string& text) {
  json_matcher m(std::make_shared<const grammar>(g));
  if (!m.advance(text)) return -1;
  return m.can_end() ? 1 : 0;
}

}  // namespace

TEST(JsonMatcher, AnyObject) {
  const auto g = any_object_grammar();
  EXPECT_EQ(run(g, R"({"a":[1,-2.5,true,null,{"b":"x\"\u00e9"}]})"), 1);
  EXPECT_EQ(run(g, "{}"), 1);
  EXPECT_EQ(run(g, R"({"a":)"), 0);
  EXPECT_EQ(run(g, "[1]"), -1);
  EXPECT_EQ(run(g, R"({"a":01})"), -1);
  EXPECT_EQ(run(g, R"({"a":1}x)"), -1);
  EXPECT_EQ(run(g, "{ }"), -1) << "the grammar writes compact JSON";
}

TEST(JsonMatcher, PropertiesInOrderRequiredOnesPresent) {
  const auto g = compile_schema(R"({"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"boolean"},
      "c":{"type":"string"}},"required":["b"]})");
  EXPECT_EQ(run(g, R"({"b":true})"), 1);
  EXPECT_EQ(run(g, R"({"a":3,"b":false,"c":"hi"})"), 1);
  EXPECT_EQ(run(g, R"({"a":3})"), -1) << "b is required";
  EXPECT_EQ(run(g, R"({"c":"x"})"), -1) << "c may not come before b";
  EXPECT_EQ(run(g, R"({"b":true,"z":1})"), -1);
  EXPECT_EQ(run(g, R"({"b":1})"), -1);
}

TEST(JsonMatcher, IntegerAndNumberBounds) {
  const auto g = compile_schema(R"({"type":"integer","minimum":-5,"maximum":42})");
  EXPECT_EQ(run(g, "42"), 1);
  EXPECT_EQ(run(g, "-5"), 1);
  EXPECT_EQ(run(g, "43"), -1);
  EXPECT_EQ(run(g, "-6"), -1);
  EXPECT_EQ(run(g, "4.5"), -1);
  EXPECT_EQ(run(g, "100"), -1);
  const auto n = compile_schema(R"({"type":"number","exclusiveMinimum":0.5,"maximum":0.75})");
  EXPECT_EQ(run(n, "0.6"), 1);
  EXPECT_EQ(run(n, "0.75"), 1);
  EXPECT_EQ(run(n, "0.5"), 0) << "0.5 is excluded but 0.5x may follow";
  EXPECT_EQ(run(n, "0.8"), -1);
  EXPECT_EQ(run(n, "1"), -1);
  const auto big = compile_schema(R"({"type":"integer","minimum":10,"maximum":20})");
  EXPECT_EQ(run(big, "1"), 0) << "1 can still become 10..19";
  EXPECT_EQ(run(big, "2"), 0);
  EXPECT_EQ(run(big, "21"), -1);
  EXPECT_EQ(run(big, "3"), -1);
}

TEST(JsonMatcher, ArraysEnumsAnyOfAndRefs) {
  const auto g = compile_schema(R"({"type":"array","items":{"anyOf":[{"enum":["red","green"]},{"$ref":"#/$defs/p"}]},
      "minItems":1,"maxItems":2,"$defs":{"p":{"type":"object","properties":{"x":{"type":"null"}},"required":["x"]}}})");
  EXPECT_EQ(run(g, R"(["red"])"), 1);
  EXPECT_EQ(run(g, R"(["green",{"x":null}])"), 1);
  EXPECT_EQ(run(g, "[]"), -1);
  EXPECT_EQ(run(g, R"(["red","red","red"])"), -1);
  EXPECT_EQ(run(g, R"(["blue"])"), -1);
}

TEST(JsonMatcher, ToolCallsWrapEachCall) {
  const auto g = compile_tool_calls(
      {R"({"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}})"},
      "", false);
  EXPECT_EQ(run(g, "<tool_call>\n{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Oslo\"}}\n</tool_call>"), 1);
  EXPECT_EQ(run(g, "<tool_call>\n{\"name\":\"other\""), -1);
  EXPECT_EQ(run(g, "<tool_call>\n{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Oslo\"}}\n</tool_call>\n"), -1)
      << "parallel_tool_calls false: one call";
  const auto two = compile_tool_calls({R"({"type":"function","function":{"name":"f"}})"}, "", true);
  EXPECT_EQ(run(two, "<tool_call>\n{\"name\":\"f\",\"arguments\":{}}\n</tool_call>\n<tool_call>\n{\"name\":\"f\",\"arguments\":{}}\n</tool_call>"), 1);
}

TEST(JsonMatcher, RefusedBytesLeaveTheStateAsItWas) {
  json_matcher m(std::make_shared<const grammar>(any_object_grammar()));
  ASSERT_TRUE(m.advance("{\"a\""));
  EXPECT_FALSE(m.advance("}"));
  EXPECT_TRUE(m.advance(":1}"));
  EXPECT_TRUE(m.can_end());
}
