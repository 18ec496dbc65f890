// Typed readers over RapidJSON values that throw request_error naming the parameter path; shared
// by the top-level, message and tool parsers of chat_request.
#pragma once

#include <cstdint>
#include <string>

#include "config/json.hpp"
#include "http/chat_request_parser.hpp"

namespace vlserve::http::fields {

using json = rapidjson::Value;

// The member's value, or nullptr when it is absent or JSON null.
const json* find(const json& object, const char* key);

std::string join(const std::string& parent, const char* key);  // "a" + "b" -> "a.b"
std::string index(const std::string& parent, std::size_t i);   // "a" + 2 -> "a[2]"

[[noreturn]] void fail(const std::string& param, const std::string& message);

const json& object(const json& v, const std::string& param);
const json& array(const json& v, const std::string& param, std::size_t max_items);
std::string string(const json& v, const std::string& param);
std::string non_empty_string(const json& v, const std::string& param, std::size_t max_bytes);
bool boolean(const json& v, const std::string& param);
std::int64_t integer(const json& v, const std::string& param, std::int64_t lo, std::int64_t hi);
// A number in [lo, hi], or (lo, hi] when lo_open.
double number(const json& v, const std::string& param, double lo, double hi, bool lo_open = false);

// Compact JSON text of v, keys in the given order. Fails past max_depth nesting levels so the
// recursive writer cannot exhaust the stack.
std::string to_json_text(const json& v, const std::string& param, int max_depth = 64);

}  // namespace vlserve::http::fields
