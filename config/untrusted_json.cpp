#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string_view>

#include "config/json.hpp"

#include <rapidjson/encodedstream.h>
#include <rapidjson/memorystream.h>

namespace vlserve::config {
namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// For a JSON number too large or too small for a double: true when it is too large. `s` is valid
// JSON number syntax (the reader checked it). The decimal exponent of the first non-zero digit
// decides: > 0 can only overflow, <= 0 only underflow (libstdc++ also calls "0e400" out of range).
bool overflows(std::string_view s) {
  size_t i = s[0] == '-' ? 1 : 0;
  int64_t magnitude = 0;
  bool seen = false;
  for (; i < s.size() && digit(s[i]); ++i)
    if (seen || s[i] != '0') seen = true, ++magnitude;
  if (i < s.size() && s[i] == '.')
    for (++i; i < s.size() && digit(s[i]); ++i) {
      if (seen) continue;
      if (s[i] == '0') --magnitude;
      else seen = true;
    }
  if (!seen) return false;  // all zeros: the value is zero whatever the exponent ("0e400")
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    const bool negative = s[i] == '-';
    if (s[i] == '+' || s[i] == '-') ++i;
    int64_t e = 0;
    for (; i < s.size() && digit(s[i]); ++i) e = std::min<int64_t>(e * 10 + (s[i] - '0'), int64_t(1) << 40);
    magnitude += negative ? -e : e;
  }
  return magnitude > 0;
}

// Forwards the reader's events to the document, except numbers: with kParseNumbersAsStringsFlag
// they arrive as text and are converted here, typed as RapidJSON types them (integers that fit
// int64/uint64 as integers, everything else as a double).
struct number_converter {
  rapidjson::Document& doc;
  bool too_big = false;

  bool Null() { return doc.Null(); }
  bool Bool(bool b) { return doc.Bool(b); }
  bool Int(int i) { return doc.Int(i); }
  bool Uint(unsigned u) { return doc.Uint(u); }
  bool Int64(int64_t i) { return doc.Int64(i); }
  bool Uint64(uint64_t u) { return doc.Uint64(u); }
  bool Double(double d) { return doc.Double(d); }
  bool String(const char* s, rapidjson::SizeType n, bool copy) { return doc.String(s, n, copy); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return doc.Key(s, n, copy); }
  bool StartObject() { return doc.StartObject(); }
  bool EndObject(rapidjson::SizeType n) { return doc.EndObject(n); }
  bool StartArray() { return doc.StartArray(); }
  bool EndArray(rapidjson::SizeType n) { return doc.EndArray(n); }

  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    const char* end = s + n;
    if (std::string_view(s, n).find_first_of(".eE") == std::string_view::npos) {
      if (s[0] == '-') {
        int64_t v = 0;
        if (std::from_chars(s, end, v).ec == std::errc()) return doc.Int64(v);
      } else {
        uint64_t v = 0;
        if (std::from_chars(s, end, v).ec == std::errc()) return doc.Uint64(v);
      }
    }
    double d = 0;
    const auto r = std::from_chars(s, end, d);
    if (r.ec == std::errc()) return doc.Double(d);
    if (r.ec == std::errc::result_out_of_range && !overflows(std::string_view(s, n)))
      return doc.Double(s[0] == '-' ? -0.0 : 0.0);
    too_big = true;
    return false;
  }
};

}  // namespace

rapidjson::ParseResult parse_untrusted(rapidjson::Document& doc, std::string_view text) {
  number_converter converter{doc};
  rapidjson::ParseResult result;
  auto generate = [&](rapidjson::Document& d) {
    rapidjson::Reader reader;
    rapidjson::MemoryStream memory(text.data(), text.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> stream(memory);
    result = reader.Parse<untrusted_json_flags | rapidjson::kParseNumbersAsStringsFlag>(stream, converter);
    (void)d;
    return !result.IsError();
  };
  doc.Populate(generate);
  // The reader reports a refused number as "terminated by the handler" at the number's start;
  // name it as RapidJSON itself does.
  if (converter.too_big && result.Code() == rapidjson::kParseErrorTermination)
    result.Set(rapidjson::kParseErrorNumberTooBig, result.Offset());
  return result;
}

}  // namespace vlserve::config
