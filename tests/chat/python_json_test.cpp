// to_python_json against Python's json.dumps(json.loads(text), ensure_ascii=False) (expected
// strings generated offline into template_cases.json), plus float repr and error cases.
#include "model/chat/python_json.hpp"

#include <gtest/gtest.h>

#include "tests/chat/hf_messages.hpp"

using vlserve::model::python_float_repr;
using vlserve::model::to_python_json;

TEST(PythonJson, MatchesJsonDumps) {
  const auto doc = vlserve::testing::read_json_file(CHAT_TEMPLATE_CASES);
  const auto& cases = doc["json_cases"];
  ASSERT_GE(cases.Size(), 10u);
  for (const auto& c : cases.GetArray()) {
    SCOPED_TRACE(c["input"].GetString());
    EXPECT_EQ(to_python_json(c["input"].GetString()), c["expected"].GetString());
  }
}

TEST(PythonJson, FloatReprFollowsPython) {
  EXPECT_EQ(python_float_repr(0.1), "0.1");
  EXPECT_EQ(python_float_repr(1.0), "1.0");
  EXPECT_EQ(python_float_repr(-0.0), "-0.0");
  EXPECT_EQ(python_float_repr(1e15), "1000000000000000.0");
  EXPECT_EQ(python_float_repr(1e16), "1e+16");
  EXPECT_EQ(python_float_repr(0.0001), "0.0001");
  EXPECT_EQ(python_float_repr(0.00001), "1e-05");
  EXPECT_EQ(python_float_repr(123456789012345680.0), "1.2345678901234568e+17");
  EXPECT_EQ(python_float_repr(1.5e-300), "1.5e-300");
  EXPECT_EQ(python_float_repr(2.5), "2.5");
  EXPECT_EQ(python_float_repr(1.0 / 0.0), "Infinity");
}

TEST(PythonJson, OutOfRangeFloatsBecomeInfinityOrZeroLikePython) {
  EXPECT_EQ(to_python_json("[1e400, -1e400, 1e-400]"), "[Infinity, -Infinity, 0.0]");
}

TEST(PythonJson, RejectsMalformedText) {
  for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "tru", "\"\\x\"",
                          "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"a\nb\"", "\"open",
                          "{\"a\":1}}", "[1 2]", "{1: 2}", "\"\\u12\""}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(to_python_json(bad), std::invalid_argument);
  }
}

TEST(PythonJson, BoundsNestingDepth) {
  EXPECT_NO_THROW(to_python_json(std::string(100, '[') + std::string(100, ']')));
  EXPECT_THROW(to_python_json(std::string(100000, '[') + std::string(100000, ']')),
               std::invalid_argument);
}
