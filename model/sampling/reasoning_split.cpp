#include "model/sampling/reasoning_split.hpp"

#include <algorithm>

namespace vlserve::model {

namespace {

constexpr std::string_view open_tag = "<think>";
constexpr std::string_view close_tag = "</think>";

bool is_newline(char c) { return c == '\n' || c == '\r'; }

void drop_leading_newlines(std::string& s) {
  const auto first = std::find_if_not(s.begin(), s.end(), is_newline);
  s.erase(s.begin(), first);
}

std::size_t trailing_newlines(std::string_view s, std::size_t end) {
  std::size_t n = 0;
  while (n < end && is_newline(s[end - 1 - n])) ++n;
  return n;
}

// Longest suffix of s that is a proper prefix of tag (could become the tag with more text).
std::size_t partial_tag_suffix(std::string_view s, std::string_view tag) {
  for (std::size_t len = std::min(s.size(), tag.size() - 1); len > 0; --len) {
    if (s.substr(s.size() - len) == tag.substr(0, len)) return len;
  }
  return 0;
}

}  // namespace

bool reasoning_splitter::skip_reasoning_start() {
  drop_leading_newlines(pending_);
  while (open_tag_possible_ && !pending_.empty()) {
    if (pending_.starts_with(open_tag)) {
      pending_.erase(0, open_tag.size());
      open_tag_possible_ = false;
      drop_leading_newlines(pending_);
    } else if (open_tag.starts_with(pending_)) {
      return false;  // "<thi": wait for the rest
    } else {
      open_tag_possible_ = false;
    }
  }
  if (pending_.empty()) return false;
  at_start_ = false;
  return true;
}

void reasoning_splitter::process(reasoning_delta& out) {
  if (!closed_) {
    if (at_start_ && !skip_reasoning_start()) return;
    const std::size_t tag = pending_.find(close_tag);
    if (tag == std::string::npos) {
      const std::size_t partial = partial_tag_suffix(pending_, close_tag);
      const std::size_t body_end = pending_.size() - partial;
      const std::size_t newlines = std::min(trailing_newlines(pending_, body_end), max_held_newlines);
      const std::size_t release = body_end - newlines;
      out.reasoning.append(pending_, 0, release);
      pending_.erase(0, release);
      return;
    }
    out.reasoning.append(pending_, 0, tag - trailing_newlines(pending_, tag));
    pending_.erase(0, tag + close_tag.size());
    closed_ = true;
    at_start_ = true;
  }
  if (at_start_) {
    drop_leading_newlines(pending_);
    if (pending_.empty()) return;
    at_start_ = false;
  }
  out.content.append(pending_);
  pending_.clear();
}

reasoning_delta reasoning_splitter::feed(std::string_view piece) {
  reasoning_delta out;
  pending_.append(piece);
  process(out);
  return out;
}

reasoning_delta reasoning_splitter::finish() {
  reasoning_delta out;
  if (!closed_) {
    // What was held is now known not to be a tag; its trailing newlines end the reasoning.
    out.reasoning = pending_.substr(0, pending_.size() - trailing_newlines(pending_, pending_.size()));
  }
  pending_.clear();
  return out;
}

reasoning_split split_reasoning(std::string_view text) {
  reasoning_splitter splitter;
  reasoning_split out;
  for (const reasoning_delta& d : {splitter.feed(text), splitter.finish()}) {
    out.reasoning += d.reasoning;
    out.content += d.content;
  }
  out.closed = !splitter.in_reasoning();
  return out;
}

}  // namespace vlserve::model
