// Incremental detokenisation for streaming: fed one id at a time, returns the text that became
// complete. A token may end in the middle of a UTF-8 sequence (byte-level BPE splits emoji and CJK
// characters), so up to 3 trailing bytes are held back until the sequence completes.
// Concatenating every push() and the final flush() equals tokenizer::decode(all ids).
#pragma once

#include <cstdint>
#include <string>

#include "model/tokenizer/tokenizer.hpp"

namespace vlserve::model {

class stream_decoder {
 public:
  explicit stream_decoder(tokenizer tok, bool skip_special = false);

  // New complete text (valid UTF-8, possibly empty). Ill-formed bytes come out as U+FFFD.
  std::string push(std::int32_t id);
  // What is still held back (an unfinished sequence becomes one U+FFFD); the decoder is then empty.
  std::string flush();
  // Bytes currently held back (0..3).
  std::size_t pending_bytes() const { return pending_.size(); }

 private:
  tokenizer tok_;
  bool skip_special_;
  std::string pending_;
};

}  // namespace vlserve::model
