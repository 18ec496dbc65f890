// parse_untrusted: numbers are converted by std::from_chars (RapidJSON 1.1.0's full-precision
// strtod misreads all-zero digits and reads out of bounds on long mantissas), typed and refused
// as RapidJSON types and refuses them, and everything else parses as before.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "config/json.hpp"

using vlserve::config::parse_untrusted;

namespace {

rapidjson::Document parsed(const std::string& text) {
  rapidjson::Document d;
  const auto r = parse_untrusted(d, text);
  EXPECT_FALSE(r.IsError()) << text << ": " << rapidjson::GetParseError_En(r.Code()) << " at " << r.Offset();
  return d;
}

}  // namespace

TEST(UntrustedJson, ZeroDigitsAreZero) {
  for (const std::string& number : std::vector<std::string>{"0e75", "0E75", "0e+75", "0e-75", "0.0e308", "0.0000e99",
                                                            "0e300", "0.000E-999", "0." + std::string(23, '0'),
                                                            "0." + std::string(300, '0') + "e-5"}) {
    SCOPED_TRACE(number);
    const auto d = parsed("[" + number + "]");
    ASSERT_TRUE(d[0].IsDouble());
    EXPECT_EQ(d[0].GetDouble(), 0.0);
    EXPECT_FALSE(std::signbit(d[0].GetDouble()));
  }
  const auto negative = parsed(R"({"t":-0.00E+300})");
  EXPECT_EQ(negative["t"].GetDouble(), 0.0);
  EXPECT_TRUE(std::signbit(negative["t"].GetDouble()));
}

TEST(UntrustedJson, DoublesAreCorrectlyRounded) {
  // Long mantissas took RapidJSON 1.1.0 past the end of its power-of-ten table.
  const std::string long_mantissa = "-5" + std::string(300, '4') + "e-200";
  const auto d = parsed("[" + long_mantissa + ",0.1,1e-300,2.2250738585072014e-308,4.9e-324,1e-400,-1e-400,"
                        "1.7976931348623157e308,123456789012345678901234567890]");
  EXPECT_EQ(d[0].GetDouble(), std::strtod(long_mantissa.c_str(), nullptr));
  EXPECT_EQ(d[1].GetDouble(), 0.1);
  EXPECT_EQ(d[2].GetDouble(), 1e-300);
  EXPECT_EQ(d[3].GetDouble(), 2.2250738585072014e-308);
  EXPECT_EQ(d[4].GetDouble(), 4.9e-324);
  EXPECT_EQ(d[5].GetDouble(), 0.0);
  EXPECT_TRUE(std::signbit(d[6].GetDouble()));
  EXPECT_EQ(d[7].GetDouble(), 1.7976931348623157e308);
  EXPECT_EQ(d[8].GetDouble(), 123456789012345678901234567890.0);
  // RapidJSON 1.1.0 read this 5.4e320 as -1.68e-296; it is too big for a double.
  rapidjson::Document big;
  const auto r = parse_untrusted(big, "[5" + std::string(20, '4') + "e300]");
  EXPECT_EQ(r.Code(), rapidjson::kParseErrorNumberTooBig);
  EXPECT_EQ(r.Offset(), 1u);
}

TEST(UntrustedJson, NumbersAreTypedAsRapidJsonTypesThem) {
  const auto d = parsed(R"({"0e75":"0e75","a":[0,-0,5,-5,2147483648,-2147483649,9223372036854775807,)"
                        R"(-9223372036854775808,18446744073709551615,18446744073709551616,-9223372036854775809,)"
                        R"(1.0,-0.0,1e2]})");
  EXPECT_EQ(std::string(d["0e75"].GetString()), "0e75");
  const auto& a = d["a"];
  EXPECT_TRUE(a[0].IsInt() && a[0].IsUint() && a[0].GetInt() == 0);
  EXPECT_TRUE(a[1].IsInt() && a[1].GetInt() == 0);
  EXPECT_TRUE(a[2].IsInt() && a[2].IsUint64() && a[2].GetInt() == 5);
  EXPECT_TRUE(a[3].IsInt() && !a[3].IsUint() && a[3].GetInt() == -5);
  EXPECT_TRUE(!a[4].IsInt() && a[4].IsUint() && a[4].IsInt64());
  EXPECT_TRUE(!a[5].IsInt() && a[5].IsInt64() && a[5].GetInt64() == -2147483649LL);
  EXPECT_TRUE(a[6].IsInt64() && a[6].GetInt64() == INT64_MAX);
  EXPECT_TRUE(a[7].IsInt64() && a[7].GetInt64() == INT64_MIN);
  EXPECT_TRUE(a[8].IsUint64() && !a[8].IsInt64() && a[8].GetUint64() == UINT64_MAX);
  EXPECT_TRUE(a[9].IsDouble() && a[9].GetDouble() == 18446744073709551616.0);
  EXPECT_TRUE(a[10].IsDouble() && a[10].GetDouble() == -9223372036854775809.0);
  EXPECT_TRUE(a[11].IsDouble() && !a[11].IsInt());
  EXPECT_TRUE(a[12].IsDouble() && std::signbit(a[12].GetDouble()));
  EXPECT_TRUE(a[13].IsDouble() && a[13].GetDouble() == 100.0);
}

TEST(UntrustedJson, ErrorsAreRapidJsonsErrors) {
  for (const std::string& bad : std::vector<std::string>{"[00e5]", "[0.e5]", "[0e]", "[0e+]", "[-e5]", "[0.0.0e5]",
                                                         "[0e5 x]", "0e0e66", "[1e400]", "[0e400]", "{\"a\":[-1e309]}", "[",
                                                         std::string(100000, '['), "{\"a\":\"\xff\"}", ""}) {
    SCOPED_TRACE(bad.substr(0, 40));
    rapidjson::Document plain;
    plain.Parse<vlserve::config::untrusted_json_flags>(bad.data(), bad.size());
    rapidjson::Document d;
    const auto r = parse_untrusted(d, bad);
    ASSERT_TRUE(plain.HasParseError());
    ASSERT_TRUE(r.IsError());
    EXPECT_EQ(r.Code(), plain.GetParseError());
    EXPECT_EQ(r.Offset(), plain.GetErrorOffset());
    EXPECT_TRUE(d.IsNull());
  }
}
