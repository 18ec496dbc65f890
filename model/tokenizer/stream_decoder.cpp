#include "model/tokenizer/stream_decoder.hpp"

#include "model/tokenizer/utf8.hpp"

namespace vlserve::model {

stream_decoder::stream_decoder(tokenizer tok, bool skip_special) : tok_(std::move(tok)), skip_special_(skip_special) {}

// Reads sequences left to right exactly as to_valid_utf8 does, and stops only at a sequence that is
// valid so far but unfinished: no later byte can change how the text before it reads, so what is
// emitted equals the corresponding prefix of the full decode.
std::string stream_decoder::push(std::int32_t id) {
  if (skip_special_ && tok_.is_special(id)) return {};
  pending_.append(tok_.token_bytes(id));
  std::string out;
  std::size_t i = 0;
  while (i < pending_.size()) {
    const utf8_step step = next_utf8(std::string_view(pending_).substr(i));
    if (step.what == utf8_step::kind::truncated) break;
    if (step.what == utf8_step::kind::scalar)
      out.append(pending_, i, step.length);
    else
      append_utf8(out, replacement_char);
    i += step.length;
  }
  pending_.erase(0, i);
  return out;
}

std::string stream_decoder::flush() {
  std::string out = to_valid_utf8(pending_);
  pending_.clear();
  return out;
}

}  // namespace vlserve::model
