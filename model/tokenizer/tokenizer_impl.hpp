// The tables behind `tokenizer`, shared by the JSON loader and the encode/decode code.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/tokenizer/added_tokens.hpp"
#include "model/tokenizer/bpe_model.hpp"
#include "model/tokenizer/tokenizer.hpp"

namespace vlserve::model {

struct tokenizer::impl {
  enum flag : std::uint8_t { special = 1 };

  std::unique_ptr<bpe_model> bpe;
  bool nfc = false;
  added_token_matcher raw_added;         // normalized = false: matched in the input as given
  added_token_matcher normalized_added;  // normalized = true: matched after NFC
  string_id_map added_by_content;
  string_id_map unmapped_spellings;  // vocab entries with a character outside the byte alphabet
  std::vector<std::string> id_bytes;  // index: id
  std::vector<std::uint8_t> id_flags;
};

// Builds the tables from tokenizer.json text; `name` (the path) prefixes every error message.
std::shared_ptr<const tokenizer::impl> parse_tokenizer_json(const std::string& json, const std::string& name);

}  // namespace vlserve::model
