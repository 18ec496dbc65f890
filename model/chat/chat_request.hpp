// An OpenAI chat-completions request as a plain struct. Optional fields the client left out (or
// sent as null) stay unset so the server's defaults (MAX_TOKENS, TEMPERATURE, ...) apply later.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/chat/chat_message.hpp"

namespace vlserve::model {

enum class tool_choice_mode {
  unset,     // client sent nothing: the model decides (like auto)
  none,      // never call a tool
  auto_,     // the model decides
  required,  // must call some tool
  function,  // must call the tool named in tool_choice_function
};

// response_format.type: free text, any JSON object, or a JSON value matching a schema.
enum class response_format_kind { text, json_object, json_schema };

struct response_format {
  response_format_kind kind = response_format_kind::text;
  std::string name;         // json_schema.name
  std::string schema_json;  // json_schema.schema as compact JSON text (compiled in model/grammar)
  bool strict = false;      // json_schema.strict; the schema is enforced either way
};

// reasoning_effort; each level maps to a thinking budget (REASONING_EFFORT_BUDGETS).
enum class reasoning_effort { unset, low, medium, high };

struct chat_request {
  std::vector<chat_message> messages;  // never empty after parsing
  std::vector<tool_definition> tools;

  std::optional<std::string> model;
  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage

  std::optional<std::int64_t> max_tokens;    // max_completion_tokens wins over max_tokens
  std::optional<double> temperature;         // [0, 2]
  std::optional<double> top_p;               // (0, 1]
  std::optional<std::int64_t> top_k;         // -1 or 0 disable, else >= 1
  std::optional<double> min_p;               // [0, 1]
  std::optional<double> presence_penalty;    // [-2, 2]
  std::optional<double> frequency_penalty;   // [-2, 2]
  std::optional<double> repetition_penalty;  // (0, 10]
  std::optional<std::int64_t> seed;
  std::vector<std::string> stop;  // each non-empty
  int n = 1;  // choices; the chat reader bounds it by MAX_BATCH

  bool logprobs = false;
  std::optional<int> top_logprobs;  // [0, 20]

  tool_choice_mode tool_choice = tool_choice_mode::unset;
  std::string tool_choice_function;  // set when tool_choice == function

  bool parallel_tool_calls = true;  // false: a forced tool call is exactly one call

  response_format format;
  std::vector<std::pair<std::int32_t, float>> logit_bias;  // token id -> bias in [-100, 100]
  std::optional<std::int64_t> thinking_budget;  // top level or chat_template_kwargs.thinking_budget
  reasoning_effort effort = reasoning_effort::unset;
  bool add_vision_id = false;  // chat_template_kwargs.add_vision_id: "Picture N: " labels

  std::optional<std::string> user;
  std::optional<std::string> session_id;
};

}  // namespace vlserve::model
