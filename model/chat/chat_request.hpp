// An OpenAI chat-completions request as a plain struct. Optional fields the client left out (or
// sent as null) stay unset so the server's defaults (MAX_TOKENS, TEMPERATURE, ...) apply later.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
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

  bool logprobs = false;
  std::optional<int> top_logprobs;  // [0, 20]

  tool_choice_mode tool_choice = tool_choice_mode::unset;
  std::string tool_choice_function;  // set when tool_choice == function

  std::optional<std::string> user;
  std::optional<std::string> session_id;
};

}  // namespace vlserve::model
