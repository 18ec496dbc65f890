// The Qwen3-VL Thinking chat template (tests/fixtures/qwen3vl-tiny/model/chat_template.json),
// implemented natively: the same bytes transformers' apply_chat_template produces.
#pragma once

#include <string>
#include <vector>

#include "model/chat/chat_message.hpp"

namespace vlserve::model {

struct template_options {
  bool add_generation_prompt = true;  // end with "<|im_start|>assistant\n<think>\n"
  bool add_vision_id = false;         // label media "Picture N: " / "Video N: "
};

// Throws std::invalid_argument when messages is empty or a tool definition (or an object-form
// tool-call argument) is not valid JSON.
std::string render_chat_prompt(const std::vector<chat_message>& messages,
                               const std::vector<tool_definition>& tools,
                               const template_options& options = {});

}  // namespace vlserve::model
