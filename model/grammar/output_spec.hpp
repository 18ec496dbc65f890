// What a request asks its answer to be, in plain data (it crosses cluster nodes as is), and its
// compilation into a grammar.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/grammar/grammar.hpp"

namespace vlserve::model::grammar {

enum class output_kind : std::uint8_t { free_text, json_object, json_schema, tool_calls };

struct output_spec {
  output_kind kind = output_kind::free_text;
  std::string schema_json;              // json_schema
  std::vector<std::string> tools_json;  // tool_calls: the request's tools, as JSON text
  std::string tool_name;                // tool_calls: the named function, "" = any of the tools
  bool parallel = true;                 // tool_calls: false = exactly one call
};

// Null for free text. Throws schema_error (path inside the schema or "tools[i]...").
std::shared_ptr<const grammar> compile_output(const output_spec& spec);

}  // namespace vlserve::model::grammar
