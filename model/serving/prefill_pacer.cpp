#include "model/serving/prefill_pacer.hpp"

#include <algorithm>
#include <cmath>

namespace vlserve::model {
namespace {

constexpr double kWeight = 0.25;  // of the newest sample in the moving averages

void average_in(double& avg, bool& seen, double sample) {
  avg = seen ? avg + kWeight * (sample - avg) : sample;
  seen = true;
}

}  // namespace

void prefill_pacer::observe(double seconds, int64_t decode_rows, int64_t prompt_rows) {
  if (!(seconds >= 0) || !std::isfinite(seconds)) return;
  if (prompt_rows == 0) {
    if (decode_rows > 0) average_in(decode_seconds_, timed_decode_, seconds);
    return;
  }
  // A mixed step's prompt rows cost what it took beyond a decode-only step; a prompt-only step
  // charges everything to its rows (an overestimate, corrected by the next mixed steps).
  const double base = decode_rows > 0 ? decode_seconds_ : 0.0;
  average_in(per_token_seconds_, timed_prompt_, std::max(seconds - base, 0.0) / double(prompt_rows));
}

int64_t prefill_pacer::budget(bool decoding, int64_t max_chunk) const {
  max_chunk = std::max<int64_t>(1, max_chunk);
  if (!decoding) return max_chunk;
  if (!timed_prompt_ || !timed_decode_) return std::min(kFirstChunk, max_chunk);
  const double room = decode_seconds_ * (1.0 / kDecodeShare - 1.0);
  if (room >= per_token_seconds_ * double(max_chunk)) return max_chunk;
  return std::clamp<int64_t>(int64_t(std::floor(room / per_token_seconds_)), 1, max_chunk);
}

}  // namespace vlserve::model
