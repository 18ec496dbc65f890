#include "tests/grammar/schema_check.hpp"

#include <cmath>

#include "config/json.hpp"

namespace vlserve::testing {
namespace {

using json = rapidjson::Value;

const json& resolve(const json& schema, const json& root) {
  if (!schema.IsObject() || !schema.HasMember("$ref")) return schema;
  std::string ref = schema["$ref"].GetString();
  if (ref == "#") return root;
  for (const char* section : {"$defs", "definitions"}) {
    const std::string prefix = std::string("#/") + section + "/";
    if (ref.rfind(prefix, 0) == 0) return resolve(root[section][ref.substr(prefix.size()).c_str()], root);
  }
  throw std::runtime_error("unresolvable $ref " + ref);
}

bool type_is(const json& v, const std::string& t) {
  if (t == "object") return v.IsObject();
  if (t == "array") return v.IsArray();
  if (t == "string") return v.IsString();
  if (t == "boolean") return v.IsBool();
  if (t == "null") return v.IsNull();
  if (t == "number") return v.IsNumber();
  if (t == "integer") return v.IsInt64() || v.IsUint64() || (v.IsDouble() && std::floor(v.GetDouble()) == v.GetDouble());
  return false;
}

std::string check(const json& v, const json& s0, const json& root, const std::string& at) {
  const json& s = resolve(s0, root);
  if (s.IsBool()) return s.GetBool() ? "" : at + ": false schema";
  if (s.HasMember("const") && v != s["const"]) return at + ": not the const";
  if (s.HasMember("enum")) {
    bool found = false;
    for (const json& e : s["enum"].GetArray()) found |= v == e;
    if (!found) return at + ": not in enum";
  }
  if (s.HasMember("anyOf")) {
    for (const json& alt : s["anyOf"].GetArray())
      if (check(v, alt, root, at).empty()) return "";
    return at + ": matches no anyOf branch";
  }
  if (s.HasMember("type")) {
    bool ok = false;
    if (s["type"].IsString()) ok = type_is(v, s["type"].GetString());
    else for (const json& t : s["type"].GetArray()) ok |= type_is(v, t.GetString());
    if (!ok) return at + ": wrong type";
  }
  if (v.IsNumber()) {
    const double x = v.GetDouble();
    if (s.HasMember("minimum") && x < s["minimum"].GetDouble()) return at + ": below minimum";
    if (s.HasMember("maximum") && x > s["maximum"].GetDouble()) return at + ": above maximum";
    if (s.HasMember("exclusiveMinimum") && x <= s["exclusiveMinimum"].GetDouble()) return at + ": not above exclusiveMinimum";
    if (s.HasMember("exclusiveMaximum") && x >= s["exclusiveMaximum"].GetDouble()) return at + ": not below exclusiveMaximum";
  }
  if (v.IsArray()) {
    if (s.HasMember("minItems") && v.Size() < s["minItems"].GetUint()) return at + ": too few items";
    if (s.HasMember("maxItems") && v.Size() > s["maxItems"].GetUint()) return at + ": too many items";
    if (s.HasMember("items"))
      for (rapidjson::SizeType i = 0; i < v.Size(); ++i)
        if (auto e = check(v[i], s["items"], root, at + "[" + std::to_string(i) + "]"); !e.empty()) return e;
  }
  if (v.IsObject()) {
    if (s.HasMember("required"))
      for (const json& r : s["required"].GetArray())
        if (!v.HasMember(r.GetString())) return at + ": missing " + r.GetString();
    const bool closed = s.HasMember("additionalProperties") && s["additionalProperties"].IsFalse();
    for (const auto& m : v.GetObject()) {
      const std::string key = m.name.GetString();
      if (s.HasMember("properties") && s["properties"].HasMember(key.c_str())) {
        if (auto e = check(m.value, s["properties"][key.c_str()], root, at + "." + key); !e.empty()) return e;
      } else if (closed) {
        return at + ": unexpected key " + key;
      }
    }
  }
  return "";
}

}  // namespace

std::string schema_violation(const std::string& json_text, const std::string& schema_json) {
  rapidjson::Document doc, schema;
  doc.Parse(json_text.c_str(), json_text.size());
  if (doc.HasParseError()) return "not JSON: " + json_text;
  schema.Parse(schema_json.c_str(), schema_json.size());
  if (schema.HasParseError()) return "schema is not JSON";
  try {
    return check(doc, schema, schema, "$");
  } catch (const std::exception& e) {
    return e.what();
  }
}

}  // namespace vlserve::testing
