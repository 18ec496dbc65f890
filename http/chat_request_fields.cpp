#include "http/chat_request_fields.hpp"

#include <cmath>
#include <cstdio>

namespace vlserve::http::fields {
namespace {

std::string show(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

const char* type_name(const json& v) {
  if (v.IsNull()) return "null";
  if (v.IsBool()) return "a boolean";
  if (v.IsNumber()) return "a number";
  if (v.IsString()) return "a string";
  if (v.IsArray()) return "an array";
  return "an object";
}

bool nested_within(const json& v, int depth_left) {
  if (depth_left < 0) return false;
  if (v.IsArray()) {
    for (const json& item : v.GetArray())
      if (!nested_within(item, depth_left - 1)) return false;
  } else if (v.IsObject()) {
    for (const auto& m : v.GetObject())
      if (!nested_within(m.value, depth_left - 1)) return false;
  }
  return true;
}

}  // namespace

const json* find(const json& object, const char* key) {
  const auto it = object.FindMember(key);
  if (it == object.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

std::string join(const std::string& parent, const char* key) {
  return parent.empty() ? std::string(key) : parent + "." + key;
}

std::string index(const std::string& parent, std::size_t i) {
  return parent + "[" + std::to_string(i) + "]";
}

void fail(const std::string& param, const std::string& message) {
  throw request_error(param + ": " + message, param);
}

const json& object(const json& v, const std::string& param) {
  if (!v.IsObject()) fail(param, std::string("must be an object, not ") + type_name(v));
  return v;
}

const json& array(const json& v, const std::string& param, std::size_t max_items) {
  if (!v.IsArray()) fail(param, std::string("must be an array, not ") + type_name(v));
  if (v.Size() > max_items)
    fail(param, "has " + std::to_string(v.Size()) + " entries; at most " +
                    std::to_string(max_items) + " are allowed");
  return v;
}

std::string string(const json& v, const std::string& param) {
  if (!v.IsString()) fail(param, std::string("must be a string, not ") + type_name(v));
  return std::string(v.GetString(), v.GetStringLength());
}

std::string non_empty_string(const json& v, const std::string& param, std::size_t max_bytes) {
  std::string s = string(v, param);
  if (s.empty()) fail(param, "must not be empty");
  if (s.size() > max_bytes)
    fail(param, "is " + std::to_string(s.size()) + " bytes long; at most " +
                    std::to_string(max_bytes) + " are allowed");
  return s;
}

bool boolean(const json& v, const std::string& param) {
  if (!v.IsBool()) fail(param, std::string("must be true or false, not ") + type_name(v));
  return v.GetBool();
}

std::int64_t integer(const json& v, const std::string& param, std::int64_t lo, std::int64_t hi) {
  if (!v.IsInt64()) {
    if (v.IsNumber()) fail(param, "must be an integer, not " + show(v.GetDouble()));
    fail(param, std::string("must be an integer, not ") + type_name(v));
  }
  const std::int64_t x = v.GetInt64();
  if (x < lo || x > hi)
    fail(param, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + " (got " +
                    std::to_string(x) + ")");
  return x;
}

double number(const json& v, const std::string& param, double lo, double hi, bool lo_open) {
  if (!v.IsNumber()) fail(param, std::string("must be a number, not ") + type_name(v));
  const double x = v.GetDouble();
  const bool below = lo_open ? !(x > lo) : !(x >= lo);
  if (below || !(x <= hi) || !std::isfinite(x))
    fail(param, std::string("must be ") + (lo_open ? "greater than " : "at least ") + show(lo) +
                    " and at most " + show(hi) + " (got " + show(x) + ")");
  return x;
}

std::string to_json_text(const json& v, const std::string& param, int max_depth) {
  if (!nested_within(v, max_depth))
    fail(param, "is nested deeper than " + std::to_string(max_depth) + " levels");
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace vlserve::http::fields
