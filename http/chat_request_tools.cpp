#include "http/chat_request_tools.hpp"

namespace vlserve::http {
namespace {

using fields::json;

std::string function_name(const json& tool, const std::string& param) {
  if (const json* type = fields::find(tool, "type");
      !type || fields::string(*type, fields::join(param, "type")) != "function")
    fields::fail(fields::join(param, "type"), "must be \"function\"");
  const std::string fn_param = fields::join(param, "function");
  const json* fn = fields::find(tool, "function");
  if (!fn) fields::fail(fn_param, "is required");
  fields::object(*fn, fn_param);
  const json* name = fields::find(*fn, "name");
  if (!name) fields::fail(fields::join(fn_param, "name"), "is required");
  return fields::non_empty_string(*name, fields::join(fn_param, "name"), 256);
}

}  // namespace

std::vector<model::tool_definition> parse_tools(const json& tools) {
  fields::array(tools, "tools", max_tools);
  std::vector<model::tool_definition> out;
  for (rapidjson::SizeType i = 0; i < tools.Size(); ++i) {
    const std::string param = fields::index("tools", i);
    fields::object(tools[i], param);
    std::string name = function_name(tools[i], param);
    out.push_back({fields::to_json_text(tools[i], param), std::move(name)});
  }
  return out;
}

void parse_tool_choice(const json& choice, model::chat_request& out) {
  if (choice.IsString()) {
    const std::string mode = fields::string(choice, "tool_choice");
    if (mode == "none")
      out.tool_choice = model::tool_choice_mode::none;
    else if (mode == "auto")
      out.tool_choice = model::tool_choice_mode::auto_;
    else if (mode == "required")
      out.tool_choice = model::tool_choice_mode::required;
    else
      fields::fail("tool_choice", "must be \"none\", \"auto\", \"required\" or a function object");
    return;
  }
  if (!choice.IsObject())
    fields::fail("tool_choice", "must be \"none\", \"auto\", \"required\" or a function object");
  out.tool_choice_function = function_name(choice, "tool_choice");
  out.tool_choice = model::tool_choice_mode::function;
}

}  // namespace vlserve::http
