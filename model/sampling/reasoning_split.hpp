// Splits the Thinking model's output into reasoning_content and content (spec §9.2). The prompt
// ends with "<think>\n", so generation starts inside the reasoning:
//
//   "Let me look.\n</think>\n\nA cat."  ->  reasoning "Let me look.", content "A cat."
//
// Rules: newlines at the start of the reasoning are dropped, and so is a "<think>" the model
// re-emits there; reasoning is the text before the first "</think>" without its trailing
// newlines; content is the text after it without its leading newlines. Without "</think>"
// (max_tokens hit) everything is reasoning and content is empty (the R1 convention). A later
// "<think>" or "</think>" inside the content is ordinary text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vlserve::model {

struct reasoning_delta {
  std::string reasoning;
  std::string content;
};

// Incremental form for streaming; feeding any split of a text and then finish() yields the same
// concatenated reasoning and content as split_reasoning on the whole text.
class reasoning_splitter {
 public:
  // Text is held back only while it may be part of a tag or newlines that would be stripped;
  // runs of newlines longer than this inside the reasoning are released early (so a run that long
  // right before "</think>" keeps its first part: the price of a bounded buffer).
  static constexpr std::size_t max_held_newlines = 64;

  reasoning_delta feed(std::string_view piece);
  reasoning_delta finish();  // releases held text at the end of generation
  bool in_reasoning() const { return !closed_; }  // false once "</think>" was seen

 private:
  void process(reasoning_delta& out);
  bool skip_reasoning_start();  // false when more text is needed to decide

  std::string pending_;
  bool closed_ = false;             // "</think>" seen: now in content
  bool at_start_ = true;            // still stripping leading newlines of the current part
  bool open_tag_possible_ = true;   // a re-emitted "<think>" may still come
};

struct reasoning_split {
  std::string reasoning;
  std::string content;
  bool closed = false;  // "</think>" was present
};

reasoning_split split_reasoning(std::string_view text);

}  // namespace vlserve::model
