// JSON Schema (the subset OpenAI's strict mode allows) to a grammar. Supported: type (one or a
// list), object properties/required/additionalProperties, array items/minItems/maxItems, string,
// enum, const, number/integer with minimum/maximum/exclusive*, boolean, null, anyOf, $ref into
// $defs/definitions (recursion allowed). Annotations (title, description, default, examples) are
// read past. Any other keyword (pattern, format, minLength, oneOf, ...) is a schema_error: the
// server never claims a constraint it does not enforce.
//
// Objects come out with their declared properties in declared order; optional ones may be left
// out; extra keys are never generated (valid whatever additionalProperties says).
#pragma once

#include <string>
#include <string_view>

#include "model/grammar/grammar.hpp"

namespace vlserve::model::grammar {

// Throws schema_error naming the path inside the schema.
grammar compile_schema(std::string_view schema_json);

// Any JSON object (response_format json_object).
grammar any_object_grammar();

// Forced tool calls: each of `tools_json` (OpenAI tool objects as JSON text) gives an alternative
// {"name": <its name>, "arguments": <its parameters schema>}; `only` limits them to one function
// when non-empty. Throws schema_error with a path such as "tools[1].function.parameters.type".
grammar compile_tool_calls(const std::vector<std::string>& tools_json, const std::string& only, bool parallel);

}  // namespace vlserve::model::grammar
