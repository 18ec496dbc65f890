#include "model/sampling/stop_matcher.hpp"

#include <algorithm>
#include <stdexcept>

#include "model/sampling/stop_conditions.hpp"

namespace vlserve::model {

stop_matcher::stop_matcher(std::vector<std::string> stop_strings) : stops_(std::move(stop_strings)) {
  stop_params check;
  check.stop_strings = stops_;
  validate(check);
}

stop_matcher::result stop_matcher::feed(std::string_view piece) {
  result out;
  if (stopped_) return out;
  held_.append(piece);
  std::size_t best_pos = std::string::npos;
  const std::string* best = nullptr;
  for (const std::string& stop : stops_) {
    const std::size_t pos = held_.find(stop);
    if (pos == std::string::npos) continue;
    if (pos < best_pos || (pos == best_pos && stop.size() > best->size())) {
      best_pos = pos;
      best = &stop;
    }
  }
  if (best != nullptr) {
    out.emit = held_.substr(0, best_pos);
    out.stopped = true;
    out.matched = *best;
    stopped_ = true;
    held_.clear();
    return out;
  }
  const std::size_t keep = holdback_length();
  out.emit = held_.substr(0, held_.size() - keep);
  held_.erase(0, held_.size() - keep);
  return out;
}

// The longest suffix of held_ that is a proper prefix of some stop string. No stop string occurs
// in held_ here, so a longer suffix could not become a match.
std::size_t stop_matcher::holdback_length() const {
  std::size_t longest = 0;
  for (const std::string& stop : stops_) {
    const std::size_t limit = std::min(held_.size(), stop.size() - 1);
    for (std::size_t len = limit; len > longest; --len) {
      if (std::string_view(held_).substr(held_.size() - len) == std::string_view(stop).substr(0, len)) {
        longest = len;
        break;
      }
    }
  }
  return longest;
}

std::string stop_matcher::flush() {
  std::string out;
  out.swap(held_);
  return out;
}

}  // namespace vlserve::model
