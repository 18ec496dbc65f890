// A conversation as plain structs: what the OpenAI request parser produces and the chat template
// renderer consumes. No JSON types here, so the model layer and the CLI can use it freely.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace vlserve::model {

enum class chat_role {
  system,     // instructions; only the first message is folded into the system header
  user,       // a user turn (text, images, videos)
  assistant,  // an earlier model turn, optionally with reasoning and tool calls
  tool,       // the result of a tool call, rendered inside a user turn
};

enum class part_kind {
  text,   // `text` holds the text
  image,  // `url` holds the image URL (http(s) or data:)
  video,  // `url` holds the video URL (http(s) or data:)
};

struct content_part {
  part_kind kind = part_kind::text;
  std::string text;
  std::string url;
};

// A message body is either a plain string or a list of parts, as in the OpenAI API; the template
// treats the two differently only in that a string is copied verbatim.
using message_content = std::variant<std::string, std::vector<content_part>>;

struct tool_call {
  std::string id;
  std::string name;
  // The arguments as JSON text. OpenAI clients send a JSON string, which the template copies
  // verbatim (arguments_is_text); an object is re-serialised the way jinja's tojson does.
  std::string arguments;
  bool arguments_is_text = true;
};

struct chat_message {
  chat_role role = chat_role::user;
  message_content content = std::string{};
  // Set (even when empty) overrides any <think> block inside an assistant's content.
  std::optional<std::string> reasoning_content;
  std::vector<tool_call> tool_calls;  // assistant only
  std::string tool_call_id;           // tool only; not rendered by the template
  std::string name;                   // optional participant / tool name; not rendered
};

// One entry of the request's `tools` array as compact JSON text, keys in the order given.
struct tool_definition {
  std::string json;
  std::string name;  // its function.name, checked when parsed
};

const char* role_name(chat_role role);

}  // namespace vlserve::model
