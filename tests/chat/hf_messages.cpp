#include "tests/chat/hf_messages.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace vlserve::testing {
namespace {

using model::content_part;
using model::part_kind;

model::chat_role role_of(const std::string& role) {
  if (role == "system") return model::chat_role::system;
  if (role == "user") return model::chat_role::user;
  if (role == "assistant") return model::chat_role::assistant;
  if (role == "tool") return model::chat_role::tool;
  throw std::runtime_error("unknown role in test data: " + role);
}

// Mirrors the template's own tests: 'image' key / image_url / type image, then video, then text.
content_part part_of(const rapidjson::Value& item) {
  const std::string type = item.HasMember("type") ? item["type"].GetString() : "";
  content_part part;
  if (item.HasMember("image") || item.HasMember("image_url") || type == "image") {
    part.kind = part_kind::image;
  } else if (item.HasMember("video") || type == "video") {
    part.kind = part_kind::video;
  } else {
    part.text = item["text"].GetString();
  }
  return part;
}

model::tool_call call_of(const rapidjson::Value& v) {
  const rapidjson::Value& fn = v.HasMember("function") ? v["function"] : v;
  model::tool_call call;
  call.name = fn["name"].GetString();
  const rapidjson::Value& args = fn["arguments"];
  call.arguments_is_text = args.IsString();
  call.arguments = args.IsString() ? std::string(args.GetString()) : json_text(args);
  return call;
}

}  // namespace

rapidjson::Document read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  rapidjson::Document doc;
  doc.Parse(buffer.str().c_str());
  if (doc.HasParseError()) throw std::runtime_error("bad JSON in " + path);
  return doc;
}

std::string json_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::vector<model::chat_message> messages_from_hf(const rapidjson::Value& messages) {
  std::vector<model::chat_message> out;
  for (const auto& v : messages.GetArray()) {
    model::chat_message m;
    m.role = role_of(v["role"].GetString());
    const rapidjson::Value& content = v["content"];
    if (content.IsString()) {
      m.content = std::string(content.GetString(), content.GetStringLength());
    } else {
      std::vector<content_part> parts;
      for (const auto& item : content.GetArray()) parts.push_back(part_of(item));
      m.content = std::move(parts);
    }
    if (v.HasMember("reasoning_content")) m.reasoning_content = v["reasoning_content"].GetString();
    if (v.HasMember("tool_calls"))
      for (const auto& c : v["tool_calls"].GetArray()) m.tool_calls.push_back(call_of(c));
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<model::tool_definition> tools_from_hf(const rapidjson::Value& tools) {
  std::vector<model::tool_definition> out;
  for (const auto& t : tools.GetArray()) out.push_back({json_text(t)});
  return out;
}

}  // namespace vlserve::testing
