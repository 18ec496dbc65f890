// How the template prints one assistant message: reasoning kept or dropped depending on where the
// turn sits relative to the last real user query, then any tool calls.
#pragma once

#include <string>

#include "model/chat/chat_message.hpp"

namespace vlserve::model {

// content: the message body already rendered by render_content.
// after_last_query: the turn comes after the last user message that is not a pure tool response.
// is_last: the turn is the conversation's final message.
std::string render_assistant_turn(const chat_message& message, std::string content,
                                  bool after_last_query, bool is_last);

}  // namespace vlserve::model
