#include "model/sampling/tool_calls.hpp"

#include <algorithm>
#include <optional>

#include "config/json.hpp"

namespace vlserve::model {

namespace {

constexpr std::string_view open_tag = "<tool_call>";
constexpr std::string_view close_tag = "</tool_call>";

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Bracket depth outside strings; enough to refuse deep nesting before the recursive parts of
// RapidJSON (Document::Accept when re-serialising) see it.
bool nesting_within_limit(std::string_view json) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : json) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_tool_call_json_depth) return false;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return true;
}

std::string to_json_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<parsed_tool_call> parse_block(std::string_view inner) {
  const std::string_view body = trim(inner);
  if (!nesting_within_limit(body)) return std::nullopt;
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  const auto name = doc.FindMember("name");
  if (name == doc.MemberEnd() || !name->value.IsString() || name->value.GetStringLength() == 0)
    return std::nullopt;
  parsed_tool_call call;
  call.name.assign(name->value.GetString(), name->value.GetStringLength());
  const auto args = doc.FindMember("arguments");
  if (args == doc.MemberEnd()) {
    call.arguments = "{}";
  } else if (args->value.IsObject()) {
    call.arguments = to_json_text(args->value);
  } else if (args->value.IsString()) {
    call.arguments.assign(args->value.GetString(), args->value.GetStringLength());
  } else {
    return std::nullopt;
  }
  return call;
}

// Length of the longest suffix of s that is a proper prefix of tag.
std::size_t partial_tag_suffix(std::string_view s, std::string_view tag) {
  for (std::size_t len = std::min(s.size(), tag.size() - 1); len > 0; --len) {
    if (s.substr(s.size() - len) == tag.substr(0, len)) return len;
  }
  return 0;
}

}  // namespace

tool_call_parse parse_tool_calls(std::string_view content) {
  tool_call_parse out;
  std::size_t pos = 0;  // strictly increases each round, so the loop ends within content.size()
  bool after_call = false;
  while (pos < content.size()) {
    const std::size_t open = content.find(open_tag, pos);
    const std::size_t close =
        open == std::string_view::npos ? open : content.find(close_tag, open + open_tag.size());
    // Without a complete block ahead, the rest (an unclosed block included) is plain text.
    const std::size_t text_end = close == std::string_view::npos ? content.size() : open;
    std::string_view before = content.substr(pos, text_end - pos);
    while (after_call && !before.empty() && is_space(before.front())) before.remove_prefix(1);
    out.content.append(before);
    if (close == std::string_view::npos) break;
    const std::size_t inner_start = open + open_tag.size();
    const std::size_t end = close + close_tag.size();
    if (auto call = parse_block(content.substr(inner_start, close - inner_start))) {
      out.calls.push_back(std::move(*call));
      after_call = true;
    } else {
      out.content.append(content.substr(open, end - open));
      after_call = false;
    }
    pos = end;
  }
  if (trim(out.content).empty()) out.content.clear();
  return out;
}

bool may_be_in_tool_call(std::string_view content) {
  const std::size_t last_open = content.rfind(open_tag);
  if (last_open != std::string_view::npos && content.find(close_tag, last_open) == std::string_view::npos)
    return true;
  return partial_tag_suffix(content, open_tag) > 0;
}

std::size_t tool_call_free_prefix(std::string_view content) {
  const std::size_t open = content.find(open_tag);
  if (open != std::string_view::npos) return open;
  return content.size() - partial_tag_suffix(content, open_tag);
}

}  // namespace vlserve::model
