// The Qwen3 / Qwen3-VL tokenizer, read from a Hugging Face tokenizer.json: added tokens cut out
// first, NFC, the Qwen2 split pre-tokenizer, byte-level BPE; decode maps ids back to bytes and
// replaces ill-formed UTF-8 with U+FFFD. Produces the same ids as the HF `tokenizers` library with
// add_special_tokens=false (Qwen adds no BOS/EOS). Cheap to copy: copies share one immutable table.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vlserve::model {

class tokenizer {
 public:
  // Throws std::runtime_error naming the file when it is missing, malformed, or describes a
  // tokenizer other than the byte-level BPE kind implemented here.
  static tokenizer load(const std::string& tokenizer_json_path);

  // Ill-formed UTF-8 in `text` is read as U+FFFD. Throws std::invalid_argument beyond
  // max_encode_bytes. Safe to call from several threads at once.
  std::vector<std::int32_t> encode(std::string_view text) const;
  static constexpr std::size_t max_encode_bytes = std::size_t{1} << 24;  // 16 MiB, ~4M tokens

  // Ids with no token (e.g. the embedding rows past the vocabulary) are skipped, as HF does.
  std::string decode(const std::vector<std::int32_t>& ids, bool skip_special = false) const;

  // Id of an added token ("<|im_end|>", "<think>") or of a vocabulary entry in its tokenizer.json
  // spelling ("Ġworld").
  std::optional<std::int32_t> token_id(std::string_view token) const;
  // Highest token id + 1 (151669 for Qwen3; the model's embedding table may be larger).
  std::size_t vocab_size() const;
  // True for added tokens flagged "special" (<|im_end|>, <|image_pad|>; not <think>).
  bool is_special(std::int32_t id) const;
  // The bytes a token stands for; may be part of a UTF-8 sequence. Empty for an unknown id.
  std::string_view token_bytes(std::int32_t id) const;
  // Ids of every special token, ascending.
  std::vector<std::int32_t> special_ids() const;

  struct impl;

 private:
  explicit tokenizer(std::shared_ptr<const impl> p) : impl_(std::move(p)) {}
  std::shared_ptr<const impl> impl_;
};

}  // namespace vlserve::model
