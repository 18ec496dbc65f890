// The chat-completions body parser (http/chat_request*.cpp) and, for what it accepts, the chat
// template: any bytes give a parsed request or a request_error with a message, never another
// exception, a crash or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "http/chat_request_parser.hpp"
#include "model/chat/chat_template.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  vlserve::model::chat_request r;
  try {
    r = vlserve::http::parse_chat_request(body);
  } catch (const vlserve::http::request_error& e) {
    FUZZ_CHECK(!e.message.empty());
    return 0;
  }
  FUZZ_CHECK(!r.messages.empty());
  try {
    const auto prompt = vlserve::model::render_chat_prompt(r.messages, r.tools);
    const std::string_view tail = "<|im_start|>assistant\n<think>\n";
    FUZZ_CHECK(prompt.size() > tail.size() && std::string_view(prompt).substr(prompt.size() - tail.size()) == tail);
  } catch (const std::invalid_argument&) {
    // documented: a tool definition or tool-call argument that is not valid JSON
  }
  return 0;
}
