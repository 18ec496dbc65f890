// The one include of RapidJSON. A type mismatch on untrusted JSON must not abort the process
// (RapidJSON asserts by default), so its assertion throws instead.
#pragma once

#include <stdexcept>
#include <string_view>

#ifndef RAPIDJSON_ASSERT
#define RAPIDJSON_ASSERT(x)                                          \
  do {                                                               \
    if (!(x)) throw std::runtime_error("json access failed: " #x);  \
  } while (0)
#endif
#define RAPIDJSON_HAS_STDSTRING 1

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace vlserve::config {

// Flags for parsing what a client or a peer sent: iterative, so deep nesting cannot overflow the
// stack (the recursive parser dies on a few MB of '['); UTF-8 validated, so invalid bytes never
// reach the tokenizer; full-precision doubles.
inline constexpr unsigned untrusted_json_flags = rapidjson::kParseIterativeFlag |
                                                 rapidjson::kParseValidateEncodingFlag |
                                                 rapidjson::kParseFullPrecisionFlag;

// Parses what a client or a peer sent with untrusted_json_flags. RapidJSON 1.1.0's full-precision
// strtod misreads a number whose digits are all zeros when it has an exponent ("0e75" gave
// -6.9e-164, "0.0e308" -3.7e-68, "0e400" an error) by way of undefined behaviour (clz of 0;
// fixed upstream after 1.1.0, found by tests/fuzz/chat_request_fuzz): such numbers are rewritten
// in place, at the same length, to the zero they denote ("0.0", "-0.00") before parsing.
void parse_untrusted(rapidjson::Document& doc, std::string_view text);

}  // namespace vlserve::config
