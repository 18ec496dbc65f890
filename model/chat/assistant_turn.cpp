#include "model/chat/assistant_turn.hpp"

#include <string_view>

#include "model/chat/python_json.hpp"

namespace vlserve::model {
namespace {

// Python's str.lstrip('\n') / rstrip('\n') / strip('\n').
std::string lstrip_newlines(std::string_view s) {
  const auto first = s.find_first_not_of('\n');
  return first == std::string_view::npos ? std::string{} : std::string(s.substr(first));
}

std::string rstrip_newlines(std::string_view s) {
  const auto last = s.find_last_not_of('\n');
  return last == std::string_view::npos ? std::string{} : std::string(s.substr(0, last + 1));
}

std::string strip_newlines(std::string_view s) { return lstrip_newlines(rstrip_newlines(s)); }

// Without an explicit reasoning_content the template splits the body on </think>:
//   reasoning = body.split('</think>')[0].rstrip('\n').split('<think>')[-1].lstrip('\n')
//   body      = body.split('</think>')[-1].lstrip('\n')
// e.g. "<think>\nA\n</think>\n\nB" -> reasoning "A", body "B".
std::string split_think_block(std::string& content) {
  constexpr std::string_view close = "</think>";
  constexpr std::string_view open = "<think>";
  const auto first_close = content.find(close);
  if (first_close == std::string::npos) return {};
  std::string before = rstrip_newlines(std::string_view(content).substr(0, first_close));
  const auto last_open = before.rfind(open);
  if (last_open != std::string::npos) before = before.substr(last_open + open.size());
  const std::string reasoning = lstrip_newlines(before);
  content = lstrip_newlines(std::string_view(content).substr(content.rfind(close) + close.size()));
  return reasoning;
}

std::string render_tool_calls(const chat_message& message, const std::string& content) {
  std::string out;
  for (std::size_t i = 0; i < message.tool_calls.size(); ++i) {
    const tool_call& call = message.tool_calls[i];
    if (i > 0 || !content.empty()) out += '\n';
    out += "<tool_call>\n{\"name\": \"";
    out += call.name;
    out += "\", \"arguments\": ";
    out += call.arguments_is_text ? call.arguments : to_python_json(call.arguments);
    out += "}\n</tool_call>";
  }
  return out;
}

}  // namespace

std::string render_assistant_turn(const chat_message& message, std::string content,
                                  bool after_last_query, bool is_last) {
  std::string reasoning;
  if (message.reasoning_content) {
    reasoning = *message.reasoning_content;
  } else {
    reasoning = split_think_block(content);
  }
  std::string out = "<|im_start|>assistant\n";
  if (after_last_query && (is_last || !reasoning.empty())) {
    out += "<think>\n" + strip_newlines(reasoning) + "\n</think>\n\n" + lstrip_newlines(content);
  } else {
    out += content;
  }
  out += render_tool_calls(message, content);
  out += "<|im_end|>\n";
  return out;
}

}  // namespace vlserve::model
