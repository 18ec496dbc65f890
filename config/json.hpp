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
// reach the tokenizer. Use them through parse_untrusted (below), which also converts numbers.
inline constexpr unsigned untrusted_json_flags = rapidjson::kParseIterativeFlag |
                                                 rapidjson::kParseValidateEncodingFlag |
                                                 rapidjson::kParseFullPrecisionFlag;

// Parses what a client or a peer sent with untrusted_json_flags into `doc` (null on error) and
// returns the parse result (`doc.HasParseError()` is not set by this route). Numbers are converted
// with std::from_chars, not RapidJSON 1.1.0's full-precision strtod, which misreads numbers whose
// digits are all zeros ("0e75" gave -6.9e-164, "0.0e308" -3.7e-68) and reads past its table of
// powers of ten on long mantissas (both undefined behaviour, fixed upstream after 1.1.0, found by
// tests/fuzz/chat_request_fuzz). Integers that fit int64/uint64 stay integers, as in RapidJSON.
rapidjson::ParseResult parse_untrusted(rapidjson::Document& doc, std::string_view text);

}  // namespace vlserve::config
