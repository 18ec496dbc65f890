// Qwen's tool-call blocks, taken out of the assistant content:
//
//   "Checking.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>"
//   -> content "Checking.\n", calls [{get_weather, {"city":"Paris"}}]
//
// A block whose JSON is malformed (or has no string "name") stays in the content verbatim, tags
// included, so nothing the model wrote is lost. An unclosed block also stays content.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vlserve::model {

struct parsed_tool_call {
  std::string name;
  std::string arguments;  // JSON text of the arguments object (OpenAI's "arguments" string)
};

struct tool_call_parse {
  std::string content;          // text outside the extracted blocks
  std::vector<parsed_tool_call> calls;
};

// Nesting deeper than this inside a block makes it malformed (keeps JSON handling off deep
// recursion on untrusted model output).
inline constexpr std::size_t max_tool_call_json_depth = 64;

// Text before the first extracted block is kept verbatim (a server may already have streamed
// it); whitespace right after an extracted block is dropped (Qwen separates blocks with "\n");
// content that is only whitespace becomes "". "arguments" may be an object (re-serialised
// compactly), a string (taken as the JSON text itself) or absent ("{}").
tool_call_parse parse_tool_calls(std::string_view content);

// True when content ends inside an unclosed "<tool_call>" block or with a prefix of the tag
// ("<tool_c"): a streaming server should hold text back until the block is complete.
bool may_be_in_tool_call(std::string_view content);

// How many leading bytes of content are plain text that can be streamed now: everything before
// the first "<tool_call>" or before a trailing partial tag. Blocks and what follows the first one
// wait for parse_tool_calls at the end.
std::size_t tool_call_free_prefix(std::string_view content);

}  // namespace vlserve::model
