// Added tokens (specials such as <|im_end|>, and extras such as <think>) are cut out of the text
// before normalization and BPE, so they always encode as one id. Matching follows the HF library:
// leftmost match, longest on ties; lstrip/rstrip swallow neighbouring whitespace; single_word
// rejects a match glued to a letter or digit.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vlserve::model {

struct added_token {
  std::int32_t id = 0;
  std::string content;
  bool special = false;     // skipped by decode(skip_special = true)
  bool normalized = false;  // matched in the NFC text instead of the raw input
  bool lstrip = false;
  bool rstrip = false;
  bool single_word = false;
};

// [begin, end) of the text; token_id < 0 for text to normalize and BPE encode.
struct text_segment {
  std::size_t begin = 0, end = 0;
  std::int32_t token_id = -1;
};

class added_token_matcher {
 public:
  added_token_matcher() = default;
  // Tokens with empty content never match.
  explicit added_token_matcher(const std::vector<added_token>& tokens);

  // Segments covering `text` in order; no segment is empty.
  std::vector<text_segment> split(std::string_view text) const;
  bool empty() const { return tokens_.empty(); }

 private:
  struct match {
    std::size_t begin, end;
    const added_token* token;
  };
  // The leftmost-longest match starting at or after `from`, if any (token == nullptr: none).
  match find(std::string_view text, std::size_t from) const;

  std::vector<added_token> tokens_;
  std::vector<std::vector<std::size_t>> by_first_byte_;  // indices into tokens_, longest first
};

}  // namespace vlserve::model
