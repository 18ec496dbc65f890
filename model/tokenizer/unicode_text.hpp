// The Unicode facts the Qwen2 pre-tokenizer and the NFC normalizer need, answered by ICU.
#pragma once

#include <string>
#include <string_view>

namespace vlserve::model {

// \p{L}: general categories Lu, Ll, Lt, Lm, Lo.
bool is_letter(char32_t cp);
// \p{N}: general categories Nd, Nl, No.
bool is_number(char32_t cp);
// \s as Oniguruma (HF tokenizers) reads it: the White_Space property.
bool is_space(char32_t cp);
// \w as Rust's regex crate reads it (HF single_word checks): Alphabetic, marks, Nd, Pc, joiners.
bool is_word_char(char32_t cp);

// NFC form of valid UTF-8 text. Throws std::runtime_error if ICU fails.
std::string nfc_normalize(std::string_view valid_utf8);

}  // namespace vlserve::model
