// Shared by the tokenizer tests: the real Qwen3 tokenizer.json, loaded once per test binary, and a
// reader for the JSON fixture files.
#pragma once

#include <string>

#include "config/json.hpp"
#include "model/tokenizer/tokenizer.hpp"

namespace vlserve::testing {

std::string tokenizer_json_path();
const model::tokenizer& qwen3_tokenizer();
rapidjson::Document read_json_fixture(const std::string& relative_path);

}  // namespace vlserve::testing
