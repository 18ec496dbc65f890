// How many prompt tokens the next step may read while streams are decoding.
//
// A step that carries both decode tokens and a prompt chunk takes as long as both: a 512-token
// chunk of a 2B model on a 2-core CPU takes ~14 s, so a running stream would wait 14 s for each
// token. The pacer learns, from the steps it is shown, what a decode-only step costs and what each
// extra prompt token adds, and sizes the chunk so that a step with decoders takes at most
// 1 / kDecodeShare of a decode-only step: a running stream keeps at least half its solo rate
// during someone else's long prefill. With nobody decoding, prompts get the whole chunk.
// Pure and torch-free (timings come in, budgets go out), so it is tested without a model.
#pragma once

#include <cstdint>

namespace vlserve::model {

class prefill_pacer {
 public:
  static constexpr double kDecodeShare = 0.5;  // of a stream's solo rate kept during a prefill
  static constexpr int64_t kFirstChunk = 16;   // before any prompt token has been timed

  // One finished step: its wall time, its decode rows and its prompt rows.
  void observe(double seconds, int64_t decode_rows, int64_t prompt_rows);
  // Prompt tokens for the next step; `max_chunk` when nothing decodes. Always >= 1.
  int64_t budget(bool decoding, int64_t max_chunk) const;

  double decode_step_seconds() const { return decode_seconds_; }
  double seconds_per_prompt_token() const { return per_token_seconds_; }

 private:
  double decode_seconds_ = 0;     // moving average of decode-only steps
  double per_token_seconds_ = 0;  // moving average of what one prompt row adds
  bool timed_decode_ = false, timed_prompt_ = false;
};

}  // namespace vlserve::model
