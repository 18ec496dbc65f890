// GPT-2 byte-level alphabet: each of the 256 byte values has a printable stand-in character, and the
// vocabulary in tokenizer.json is written in those characters ("Ġworld" is " world").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vlserve::model {

// The stand-in character for a byte.
char32_t byte_to_char(unsigned char b);

// The raw bytes a vocabulary spelling stands for, or nullopt when a character has no byte
// (the HF ByteLevel decoder then keeps that token's UTF-8 unchanged).
std::optional<std::string> spelling_to_bytes(std::string_view spelling);

// The spelling of raw bytes (the inverse of spelling_to_bytes).
std::string bytes_to_spelling(std::string_view bytes);

}  // namespace vlserve::model
