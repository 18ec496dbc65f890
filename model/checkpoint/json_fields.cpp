#include "model/checkpoint/json_fields.hpp"

#include <fstream>
#include <sstream>

#include "model/checkpoint/checkpoint_error.hpp"

namespace vlserve::model::json_fields {

const rapidjson::Value* reader::member(const char* key) const {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

void reader::type_error(const char* key, const char* expected) const {
  throw checkpoint_error(where + ": '" + key + "' must be " + expected);
}

void reader::read(const char* key, int64_t& out) const {
  const auto* v = member(key);
  if (v == nullptr) return;
  if (!v->IsInt64()) type_error(key, "an integer");
  out = v->GetInt64();
}

void reader::read(const char* key, double& out) const {
  const auto* v = member(key);
  if (v == nullptr) return;
  if (!v->IsNumber()) type_error(key, "a number");
  out = v->GetDouble();
}

void reader::read(const char* key, bool& out) const {
  const auto* v = member(key);
  if (v == nullptr) return;
  if (!v->IsBool()) type_error(key, "true or false");
  out = v->GetBool();
}

void reader::read(const char* key, std::string& out) const {
  const auto* v = member(key);
  if (v == nullptr) return;
  if (!v->IsString()) type_error(key, "a string");
  out = v->GetString();
}

void reader::read(const char* key, std::vector<int64_t>& out) const {
  const auto* v = member(key);
  if (v == nullptr) return;
  if (v->IsInt64()) {  // HF allows a single id where a list is expected (eos_token_id)
    out = {v->GetInt64()};
    return;
  }
  if (!v->IsArray()) type_error(key, "a list of integers");
  out.clear();
  for (const auto& e : v->GetArray()) {
    if (!e.IsInt64()) type_error(key, "a list of integers");
    out.push_back(e.GetInt64());
  }
}

void reader::read(const char* key, std::optional<int64_t>& out) const {
  const auto* v = member(key);
  if (v == nullptr) return;
  if (!v->IsInt64()) type_error(key, "an integer");
  out = v->GetInt64();
}

void reader::read(const char* key, std::optional<double>& out) const {
  const auto* v = member(key);
  if (v == nullptr) return;
  if (!v->IsNumber()) type_error(key, "a number");
  out = v->GetDouble();
}

void parse_object(rapidjson::Document& doc, const std::string& text, const std::string& source) {
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError()) {
    throw checkpoint_error(source + ": invalid JSON: " +
                           rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
                           std::to_string(doc.GetErrorOffset()));
  }
  if (!doc.IsObject()) throw checkpoint_error(source + ": expected a JSON object");
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw checkpoint_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace vlserve::model::json_fields
