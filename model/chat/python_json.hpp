// Re-serialises JSON text the way transformers' chat-template `tojson` filter prints it:
// Python's json.dumps(x, ensure_ascii=False) with default separators (", " and ": "), keys in
// their given order, floats in Python repr form (1.0, 1e-05, 1e+16), non-ASCII text left raw.
#pragma once

#include <string>
#include <string_view>

namespace vlserve::model {

// Throws std::invalid_argument (naming the byte offset) on malformed JSON, nesting deeper than
// 128 levels, or a lone UTF-16 surrogate escape (Python would emit an unencodable character).
std::string to_python_json(std::string_view json_text);

// Python's repr() of a finite or infinite double ("Infinity" / "NaN" as json.dumps writes them).
std::string python_float_repr(double value);

}  // namespace vlserve::model
