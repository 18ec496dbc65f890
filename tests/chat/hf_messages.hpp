// Test helper: builds model::chat_message lists from the Hugging Face message dicts stored in the
// fixtures (hf_messages) and in template_cases.json — parts like {"type": "image"} without URLs,
// which the OpenAI request parser rightly rejects.
#pragma once

#include <string>
#include <vector>

#include "config/json.hpp"
#include "model/chat/chat_message.hpp"

namespace vlserve::testing {

rapidjson::Document read_json_file(const std::string& path);
std::vector<model::chat_message> messages_from_hf(const rapidjson::Value& messages);
std::vector<model::tool_definition> tools_from_hf(const rapidjson::Value& tools);
std::string json_text(const rapidjson::Value& v);

}  // namespace vlserve::testing
