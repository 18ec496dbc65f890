// The Qwen2 Split pre-tokenizer, written out by hand instead of run through a regex engine:
//   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*
//   |\s*[\r\n]+|\s+(?!\S)|\s+
// with "Isolated" behaviour: every match is one piece. Some alternative matches at every position,
// so the pieces tile the text exactly; each is then byte-level BPE encoded on its own.
#pragma once

#include <string_view>
#include <vector>

namespace vlserve::model {

// The pattern this file implements, as tokenizer.json spells it; the loader refuses any other.
extern const std::string_view qwen2_split_pattern;

// Splits valid UTF-8 text into pieces (views into `text`) that concatenate back to `text`.
std::vector<std::string_view> qwen2_pretokenize(std::string_view text);

}  // namespace vlserve::model
