// Finds stop strings in streamed text, including ones split across token pieces. Text that could
// still turn out to be the start of a stop string is held back; everything else is released at
// once, so a client never sees part of a stop string.
//
// Example, stop "END": feed("abcE") -> emit "abc" (hold "E"); feed("NDx") -> emit "", stopped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vlserve::model {

class stop_matcher {
 public:
  struct result {
    std::string emit;     // text safe to send now
    bool stopped = false; // a stop string was found; emit ends just before it
    std::string matched;  // the stop string that was found
  };

  // Validates the strings as stop_params does (non-empty, bounded count and length).
  explicit stop_matcher(std::vector<std::string> stop_strings);

  // Appends piece to the held text. After a stop, further pieces are ignored (empty result).
  // When several stop strings are complete, the one starting first wins (the longest at equal
  // starts); like vLLM, a match is taken as soon as it is complete.
  result feed(std::string_view piece);

  // At the end of generation (no stop hit): the held-back text, which is now known not to be a
  // stop string. Empty after a stop.
  std::string flush();

  bool stopped() const { return stopped_; }

 private:
  std::size_t holdback_length() const;

  std::vector<std::string> stops_;
  std::string held_;  // always shorter than the longest stop string between calls
  bool stopped_ = false;
};

}  // namespace vlserve::model
