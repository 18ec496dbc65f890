// An independent check of a JSON text against the schema subset vlserve's grammar supports,
// written straight from the JSON Schema rules (not from the compiler) so tests can catch a
// grammar that lets invalid output through.
#pragma once

#include <string>

namespace vlserve::testing {

// "" when `json_text` parses and satisfies `schema_json`, else what is wrong.
std::string schema_violation(const std::string& json_text, const std::string& schema_json);

}  // namespace vlserve::testing
