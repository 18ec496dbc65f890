#include "model/grammar/output_spec.hpp"

#include "model/grammar/schema_compiler.hpp"

namespace vlserve::model::grammar {

std::shared_ptr<const grammar> compile_output(const output_spec& spec) {
  switch (spec.kind) {
    case output_kind::free_text: return nullptr;
    case output_kind::json_object: return std::make_shared<const grammar>(any_object_grammar());
    case output_kind::json_schema: return std::make_shared<const grammar>(compile_schema(spec.schema_json));
    case output_kind::tool_calls:
      return std::make_shared<const grammar>(compile_tool_calls(spec.tools_json, spec.tool_name, spec.parallel));
  }
  return nullptr;
}

}  // namespace vlserve::model::grammar
