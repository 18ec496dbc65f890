// The one include of RapidJSON. A type mismatch on untrusted JSON must not abort the process
// (RapidJSON asserts by default), so its assertion throws instead.
#pragma once

#include <stdexcept>

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

}  // namespace vlserve::config
