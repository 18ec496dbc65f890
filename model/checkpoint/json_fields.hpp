// Typed, optional reads of JSON object members for the config parsers: a present key of the wrong
// type is an error naming the file and the key; an absent key keeps the caller's default.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/json.hpp"

namespace vlserve::model::json_fields {

struct reader {
  const rapidjson::Value& obj;
  std::string where;  // "config.json (text_config)"

  const rapidjson::Value* member(const char* key) const;
  [[noreturn]] void type_error(const char* key, const char* expected) const;

  void read(const char* key, int64_t& out) const;
  void read(const char* key, double& out) const;
  void read(const char* key, bool& out) const;
  void read(const char* key, std::string& out) const;
  void read(const char* key, std::vector<int64_t>& out) const;
  void read(const char* key, std::optional<int64_t>& out) const;
  void read(const char* key, std::optional<double>& out) const;
};

// Parses text into `doc`; throws checkpoint_error naming `source` if it is not a JSON object.
void parse_object(rapidjson::Document& doc, const std::string& text, const std::string& source);
std::string read_file(const std::string& path);

}  // namespace vlserve::model::json_fields
