// The compiler accepts the strict-mode subset and names the schema path of everything else.
#include <gtest/gtest.h>

#include "model/grammar/schema_compiler.hpp"

using namespace vlserve::model::grammar;

namespace {

std::string error_path(const std::string& schema) {
  try {
    compile_schema(schema);
  } catch (const schema_error& e) {
    return e.path;
  }
  return "<compiled>";
}

}  // namespace

TEST(SchemaCompiler, CompilesTheStrictSubset) {
  const auto g = compile_schema(R"({"type":"object","properties":{
      "name":{"type":"string"},"age":{"type":"integer","minimum":0,"maximum":150},
      "tags":{"type":"array","items":{"enum":["a","b"]},"minItems":1,"maxItems":3},
      "pet":{"anyOf":[{"$ref":"#/$defs/cat"},{"type":"null"}]},"ok":{"type":"boolean"},
      "score":{"type":["number","null"],"exclusiveMinimum":0}},
      "required":["name","age"],"additionalProperties":false,
      "$defs":{"cat":{"type":"object","properties":{"lives":{"const":9}},"required":["lives"]}}})");
  ASSERT_GE(g.root, 0);
  const auto& root = g.nodes[std::size_t(g.root)];
  EXPECT_EQ(root.kind, node_kind::object);
  ASSERT_EQ(root.properties.size(), 6u);
  EXPECT_TRUE(root.properties[0].required);
  EXPECT_FALSE(root.properties[2].required);
  EXPECT_EQ(g.nodes[std::size_t(root.properties[1].node)].bounds.hi, 150);
}

TEST(SchemaCompiler, RecursiveRefsCompileToCycles) {
  EXPECT_EQ(error_path(R"({"$ref":"#/$defs/n","$defs":{"n":{"type":"object","properties":{
      "next":{"anyOf":[{"$ref":"#/$defs/n"},{"type":"null"}]}},"required":["next"]}}})"),
            "<compiled>");
}

TEST(SchemaCompiler, UnsupportedOrInvalidSchemasNameTheirPath) {
  EXPECT_EQ(error_path(R"({"type":"object","properties":{"a":{"type":"string","pattern":"^x"}}})"),
            "properties.a.pattern");
  EXPECT_EQ(error_path(R"({"type":"object","properties":{"a":{"type":"strin"}}})"), "properties.a.type");
  EXPECT_EQ(error_path(R"({"type":"object","properties":{"a":{"$ref":"#/$defs/missing"}}})"), "properties.a.$ref");
  EXPECT_EQ(error_path(R"({"type":"array","minItems":3,"maxItems":2})"), "minItems");
  EXPECT_EQ(error_path(R"({"type":"integer","minimum":5,"maximum":4})"), "");
  EXPECT_EQ(error_path(R"({"oneOf":[{"type":"string"}]})"), "oneOf");
  EXPECT_EQ(error_path(R"({"type":"object","properties":{"a":{}},"required":["b"]})"), "required");
  EXPECT_EQ(error_path(R"({"type":"object","additionalProperties":{"type":"string"}})"), "additionalProperties");
  EXPECT_EQ(error_path(R"({"enum":[]})"), "enum");
  EXPECT_EQ(error_path("{\"type\":"), "");
}

TEST(SchemaCompiler, DepthAndSizeAreBounded) {
  std::string deep = R"({"type":"string"})";
  for (int i = 0; i < 40; ++i) deep = R"({"type":"array","items":)" + deep + "}";
  EXPECT_THROW(compile_schema(deep), schema_error);
  std::string many = R"({"enum":[)";
  for (int i = 0; i < 1100; ++i) many += (i ? "," : "") + std::to_string(i);
  EXPECT_THROW(compile_schema(many + "]}"), schema_error);
}

TEST(SchemaCompiler, ToolCallsOfferEachFunctionOrTheNamedOne) {
  const std::vector<std::string> tools = {
      R"({"type":"function","function":{"name":"a","parameters":{"type":"object","properties":{"x":{"type":"integer"}}}}})",
      R"({"type":"function","function":{"name":"b"}})"};
  const auto all = compile_tool_calls(tools, "", true);
  EXPECT_EQ(all.nodes[std::size_t(all.root)].options.size(), 2u);
  EXPECT_EQ(all.max_calls, max_tool_calls);
  const auto one = compile_tool_calls(tools, "b", false);
  EXPECT_EQ(one.nodes[std::size_t(one.root)].options.size(), 1u);
  EXPECT_EQ(one.max_calls, 1u);
  EXPECT_THROW(compile_tool_calls({R"({"type":"function","function":{"name":"a","parameters":{"type":"bad"}}})"}, "",
                                  true),
               schema_error);
}
