// A compiled output constraint: JSON Schema nodes (plus the tool-call wrapper) in one flat table,
// referenced by index so recursive $refs are plain cycles. Built by schema_compiler, walked by
// json_matcher. Torch-free and immutable once built; shared by every sequence that uses it.
#pragma once

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace vlserve::model::grammar {

// Sizes a schema may reach; beyond them the compiler answers with a schema_error (a 400).
inline constexpr std::size_t max_nodes = 4096;
inline constexpr std::size_t max_properties = 256;
inline constexpr std::size_t max_literals = 1024;    // enum values + keys, all nodes together
inline constexpr std::size_t max_literal_bytes = 1024;
inline constexpr int max_schema_depth = 32;
inline constexpr std::size_t max_tool_calls = 8;     // calls in one forced answer

enum class node_kind {
  any,      // any JSON value (json_object's members, schemas without a type)
  object,   // declared properties only, in declared order
  free_object,  // any keys, any values
  array,
  string,   // free text
  literal,  // one of `literals` (enum/const/boolean/null), as compact JSON texts
  number,
  integer,
  any_of,
};

struct property {
  std::string name;  // plain key text (no quote, backslash or control bytes)
  int literal = -1;  // index into grammar::literals of name + '"' (the key after its opening quote)
  int node = -1;
  bool required = false;
};

struct number_bounds {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_exclusive = false, hi_exclusive = false;
  bool bounded() const { return lo > -std::numeric_limits<double>::infinity() || hi < std::numeric_limits<double>::infinity(); }
};

struct node {
  node_kind kind = node_kind::any;
  std::vector<property> properties;  // object
  int items = -1;                    // array: the items' node
  std::int64_t min_items = 0, max_items = -1;  // array; -1 = no maximum
  std::vector<int> options;          // literal: indices into literals; any_of: node indices
  number_bounds bounds;              // number, integer
};

// The shape of the whole answer.
enum class answer_kind {
  value,       // one JSON value of `root`
  tool_calls,  // "<tool_call>\n" value "\n</tool_call>", repeated up to max_calls times ("\n" between)
};

struct grammar {
  std::vector<node> nodes;
  std::vector<std::string> literals;
  int root = -1;
  answer_kind answer = answer_kind::value;
  std::size_t max_calls = 1;  // tool_calls only
};

// An invalid or unsupported schema: path is the JSON path inside the schema ("properties.a.type").
struct schema_error : std::runtime_error {
  schema_error(const std::string& message, std::string where)
      : std::runtime_error(message), path(std::move(where)) {}
  std::string path;
};

}  // namespace vlserve::model::grammar
