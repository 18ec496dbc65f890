#include "model/chat/chat_template.hpp"

#include <stdexcept>
#include <string_view>

#include "model/chat/assistant_turn.hpp"
#include "model/chat/python_json.hpp"
#include "model/chat/render_content.hpp"

namespace vlserve::model {
namespace {

constexpr std::string_view tools_intro =
    "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
    "You are provided with function signatures within <tools></tools> XML tags:\n<tools>";
constexpr std::string_view tools_outro =
    "\n</tools>\n\nFor each function call, return a json object with function name and arguments "
    "within <tool_call></tool_call> XML tags:\n<tool_call>\n"
    "{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n";

std::string system_header(const std::vector<chat_message>& messages,
                          const std::vector<tool_definition>& tools, vision_counters& counters,
                          bool add_vision_id) {
  const bool has_system = messages.front().role == chat_role::system;
  std::string out;
  if (tools.empty()) {
    if (has_system)
      out = "<|im_start|>system\n" +
            render_content(messages.front().content, counters, false, add_vision_id) +
            "<|im_end|>\n";
    return out;
  }
  out = "<|im_start|>system\n";
  if (has_system)
    out += render_content(messages.front().content, counters, false, add_vision_id) + "\n\n";
  out += tools_intro;
  for (const tool_definition& tool : tools) {
    out += '\n';
    out += to_python_json(tool.json);
  }
  out += tools_outro;
  return out;
}

bool is_tool_response(const std::string& s) {
  constexpr std::string_view open = "<tool_response>";
  constexpr std::string_view close = "</tool_response>";
  return s.starts_with(open) && s.ends_with(close);
}

// Index of the last user message that is a real query (not a relayed tool response); the
// message count minus one when there is none. Assistant turns after it keep their reasoning.
std::size_t last_query_index(const std::vector<chat_message>& messages, vision_counters& counters,
                             bool add_vision_id) {
  for (std::size_t i = messages.size(); i-- > 0;) {
    if (messages[i].role != chat_role::user) continue;
    if (!is_tool_response(render_content(messages[i].content, counters, false, add_vision_id)))
      return i;
  }
  return messages.size() - 1;
}

// Consecutive tool messages share one user turn.
std::string render_tool_message(const std::vector<chat_message>& messages, std::size_t i,
                                const std::string& content) {
  std::string out;
  if (i == 0 || messages[i - 1].role != chat_role::tool) out += "<|im_start|>user";
  out += "\n<tool_response>\n" + content + "\n</tool_response>";
  if (i + 1 == messages.size() || messages[i + 1].role != chat_role::tool) out += "<|im_end|>\n";
  return out;
}

}  // namespace

const char* role_name(chat_role role) {
  switch (role) {
    case chat_role::system: return "system";
    case chat_role::user: return "user";
    case chat_role::assistant: return "assistant";
    case chat_role::tool: return "tool";
  }
  return "unknown";
}

std::string render_chat_prompt(const std::vector<chat_message>& messages,
                               const std::vector<tool_definition>& tools,
                               const template_options& options) {
  if (messages.empty()) throw std::invalid_argument("chat template: no messages to render");
  const bool vid = options.add_vision_id;
  vision_counters counters;
  std::string out = system_header(messages, tools, counters, vid);
  const std::size_t last_query = last_query_index(messages, counters, vid);

  for (std::size_t i = 0; i < messages.size(); ++i) {
    const chat_message& m = messages[i];
    // Rendered (and counted) for every message, the already-printed first system one included.
    std::string content = render_content(m.content, counters, true, vid);
    switch (m.role) {
      case chat_role::system:
        if (i == 0) break;
        [[fallthrough]];
      case chat_role::user:
        out += std::string("<|im_start|>") + role_name(m.role) + "\n" + content + "<|im_end|>\n";
        break;
      case chat_role::assistant:
        out +=
            render_assistant_turn(m, std::move(content), i > last_query, i + 1 == messages.size());
        break;
      case chat_role::tool: out += render_tool_message(messages, i, content); break;
    }
  }
  if (options.add_generation_prompt) out += "<|im_start|>assistant\n<think>\n";
  return out;
}

}  // namespace vlserve::model
