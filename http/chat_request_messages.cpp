#include "http/chat_request_messages.hpp"

#include <string_view>

namespace vlserve::http {
namespace {

using fields::json;
using model::chat_role;
using model::content_part;
using model::part_kind;

constexpr std::size_t max_url_bytes = 64u << 20;  // data: URLs carry whole media files

chat_role parse_role(const json& v, const std::string& param) {
  const std::string role = fields::string(v, param);
  if (role == "system" || role == "developer") return chat_role::system;
  if (role == "user") return chat_role::user;
  if (role == "assistant") return chat_role::assistant;
  if (role == "tool") return chat_role::tool;
  fields::fail(param, "unknown role '" + role + "'; use system, user, assistant or tool");
}

// A media reference: a URL string, or an object {"url": "..."} as OpenAI's image_url is.
std::string media_url(const json& v, const std::string& param) {
  if (v.IsString()) return fields::non_empty_string(v, param, max_url_bytes);
  const json* url = v.IsObject() ? fields::find(v, "url") : nullptr;
  if (!url) fields::fail(param, "must be a URL string or an object with a \"url\" string");
  return fields::non_empty_string(*url, fields::join(param, "url"), max_url_bytes);
}

// The first of the given keys present in the part; HF-style parts name the media in
// "image"/"video" or "url", OpenAI-style ones in "image_url"/"video_url".
std::string media_of(const json& part, const std::string& param,
                     std::initializer_list<const char*> keys, const char* what) {
  for (const char* key : keys)
    if (const json* v = fields::find(part, key)) return media_url(*v, fields::join(param, key));
  fields::fail(param, std::string("a part of type \"") + what + "\" needs its URL in \"" +
                          *keys.begin() + "\"");
}

content_part parse_part(const json& v, const std::string& param) {
  fields::object(v, param);
  const json* type_value = fields::find(v, "type");
  if (!type_value) fields::fail(fields::join(param, "type"), "is required");
  const std::string type = fields::string(*type_value, fields::join(param, "type"));
  content_part part;
  if (type == "text") {
    const json* text = fields::find(v, "text");
    if (!text) fields::fail(fields::join(param, "text"), "is required for a text part");
    part.text = fields::string(*text, fields::join(param, "text"));
  } else if (type == "image_url" || type == "image") {
    part.kind = part_kind::image;
    part.url = type == "image_url" ? media_of(v, param, {"image_url"}, "image_url")
                                   : media_of(v, param, {"image", "url", "image_url"}, "image");
  } else if (type == "video_url" || type == "video") {
    part.kind = part_kind::video;
    part.url = type == "video_url" ? media_of(v, param, {"video_url"}, "video_url")
                                   : media_of(v, param, {"video", "url", "video_url"}, "video");
  } else {
    fields::fail(fields::join(param, "type"),
                 "unsupported content part type '" + type + "'; use text, image_url or video_url");
  }
  return part;
}

model::message_content parse_content(const json* v, chat_role role, const std::string& param) {
  if (!v) {
    // Assistant turns that only call tools carry no content.
    if (role == chat_role::assistant) return std::string{};
    fields::fail(param, std::string("is required for ") + model::role_name(role) + " messages");
  }
  if (v->IsString()) return fields::string(*v, param);
  if (!v->IsArray()) fields::fail(param, "must be a string or an array of content parts");
  fields::array(*v, param, max_parts_per_message);
  std::vector<content_part> parts;
  parts.reserve(v->Size());
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i)
    parts.push_back(parse_part((*v)[i], fields::index(param, i)));
  return parts;
}

model::tool_call parse_tool_call(const json& v, const std::string& param) {
  fields::object(v, param);
  model::tool_call call;
  if (const json* id = fields::find(v, "id"))
    call.id = fields::string(*id, fields::join(param, "id"));
  if (const json* type = fields::find(v, "type");
      type && fields::string(*type, fields::join(param, "type")) != "function")
    fields::fail(fields::join(param, "type"), "must be \"function\"");
  const std::string fn_param = fields::join(param, "function");
  const json* fn = fields::find(v, "function");
  if (!fn) fields::fail(fn_param, "is required");
  fields::object(*fn, fn_param);
  const json* name = fields::find(*fn, "name");
  if (!name) fields::fail(fields::join(fn_param, "name"), "is required");
  call.name = fields::non_empty_string(*name, fields::join(fn_param, "name"), 256);
  const std::string args_param = fields::join(fn_param, "arguments");
  const json* args = fields::find(*fn, "arguments");
  if (!args) {
    call.arguments = "{}";
  } else if (args->IsString()) {
    call.arguments = fields::string(*args, args_param);
  } else if (args->IsObject()) {
    call.arguments = fields::to_json_text(*args, args_param);
    call.arguments_is_text = false;
  } else {
    fields::fail(args_param, "must be a JSON string or an object");
  }
  return call;
}

model::chat_message parse_message(const json& v, const std::string& param) {
  fields::object(v, param);
  model::chat_message m;
  const json* role = fields::find(v, "role");
  if (!role) fields::fail(fields::join(param, "role"), "is required");
  m.role = parse_role(*role, fields::join(param, "role"));
  m.content = parse_content(fields::find(v, "content"), m.role, fields::join(param, "content"));
  if (const json* r = fields::find(v, "reasoning_content"))
    m.reasoning_content = fields::string(*r, fields::join(param, "reasoning_content"));
  if (const json* calls = fields::find(v, "tool_calls")) {
    const std::string calls_param = fields::join(param, "tool_calls");
    if (m.role != chat_role::assistant)
      fields::fail(calls_param, "is only allowed on assistant messages");
    fields::array(*calls, calls_param, max_tool_calls_per_message);
    for (rapidjson::SizeType i = 0; i < calls->Size(); ++i)
      m.tool_calls.push_back(parse_tool_call((*calls)[i], fields::index(calls_param, i)));
  }
  if (const json* id = fields::find(v, "tool_call_id"))
    m.tool_call_id = fields::string(*id, fields::join(param, "tool_call_id"));
  if (const json* name = fields::find(v, "name"))
    m.name = fields::string(*name, fields::join(param, "name"));
  return m;
}

}  // namespace

std::vector<model::chat_message> parse_messages(const json& messages) {
  fields::array(messages, "messages", max_messages);
  if (messages.Empty()) fields::fail("messages", "must contain at least one message");
  std::vector<model::chat_message> out;
  out.reserve(messages.Size());
  for (rapidjson::SizeType i = 0; i < messages.Size(); ++i)
    out.push_back(parse_message(messages[i], fields::index("messages", i)));
  return out;
}

}  // namespace vlserve::http
