// parse_untrusted: numbers whose digits are all zeros and that carry an exponent read as zero
// (RapidJSON 1.1.0's full-precision path misreads them), and nothing else changes.
#include <gtest/gtest.h>

#include <cmath>

#include "config/json.hpp"

using vlserve::config::parse_untrusted;

namespace {

rapidjson::Document parsed(const std::string& text) {
  rapidjson::Document d;
  parse_untrusted(d, text);
  return d;
}

}  // namespace

TEST(UntrustedJson, ZeroDigitsWithAnExponentAreZero) {
  for (const std::string number : {"0e75", "0E75", "0e+75", "0e-75", "0.0e308", "0.0000e99", "0e400", "0.000E-999"}) {
    SCOPED_TRACE(number);
    const auto d = parsed("[" + number + "]");
    ASSERT_FALSE(d.HasParseError());
    ASSERT_TRUE(d[0].IsDouble());
    EXPECT_EQ(d[0].GetDouble(), 0.0);
    EXPECT_FALSE(std::signbit(d[0].GetDouble()));
  }
  const auto negative = parsed(R"({"t":-0.00E+300})");
  ASSERT_FALSE(negative.HasParseError());
  EXPECT_EQ(negative["t"].GetDouble(), 0.0);
  EXPECT_TRUE(std::signbit(negative["t"].GetDouble()));
}

TEST(UntrustedJson, OtherNumbersStringsAndKeysAreUntouched) {
  const auto d = parsed(R"({"0e75":"0e75","a":[10e2,0.5e1,0,-0,0.1,1e-300,2e0,0e0]})");
  ASSERT_FALSE(d.HasParseError());
  EXPECT_EQ(std::string(d["0e75"].GetString()), "0e75");
  const auto& a = d["a"];
  EXPECT_EQ(a[0].GetDouble(), 1000.0);
  EXPECT_EQ(a[1].GetDouble(), 5.0);
  EXPECT_TRUE(a[2].IsInt());
  EXPECT_TRUE(a[3].IsInt());
  EXPECT_EQ(a[4].GetDouble(), 0.1);
  EXPECT_EQ(a[5].GetDouble(), 1e-300);
  EXPECT_EQ(a[6].GetDouble(), 2.0);
  EXPECT_EQ(a[7].GetDouble(), 0.0);
  const auto escaped = parsed(R"(["a\"0e75", "\\", 0e9])");
  ASSERT_FALSE(escaped.HasParseError());
  EXPECT_EQ(std::string(escaped[0].GetString()), "a\"0e75");
  EXPECT_EQ(escaped[2].GetDouble(), 0.0);
}

TEST(UntrustedJson, InvalidNumbersStayInvalidAtTheSameOffset) {
  for (const std::string bad : {"[00e5]", "[0.e5]", "[0e]", "[0e+]", "[-e5]", "[0.0.0e5]", "[0e5 x]"}) {
    SCOPED_TRACE(bad);
    rapidjson::Document plain;
    plain.Parse<vlserve::config::untrusted_json_flags>(bad.data(), bad.size());
    const auto d = parsed(bad);
    EXPECT_TRUE(d.HasParseError());
    EXPECT_EQ(d.GetErrorOffset(), plain.GetErrorOffset());
  }
}
