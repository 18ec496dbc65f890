// Every way a body can be wrong: each must give a request_error naming the offending parameter,
// and no input — truncated, corrupted or deeply nested — may escape as anything else.
#include <gtest/gtest.h>

#include "http/chat_request_parser.hpp"

using vlserve::http::parse_chat_request;
using vlserve::http::request_error;

namespace {

struct bad_body {
  std::string body;
  std::string param;
  std::string message_part;
};

std::string with_messages(const std::string& messages, const std::string& extra = "") {
  return R"({"messages":)" + messages + extra + "}";
}

std::string with_field(const std::string& field) {
  return with_messages(R"([{"role":"user","content":"x"}])", "," + field);
}

std::string part(const std::string& p) {
  return with_messages(R"([{"role":"user","content":[{"type":"text","text":"a"},)" + p + "]}]");
}

const std::vector<bad_body>& bad_bodies() {
  static const std::vector<bad_body> cases = {
      {"", "", "not valid JSON"},
      {"{\"messages\": [", "", "at byte"},
      {"[1, 2]", "", "must be a JSON object"},
      {"{\"messages\": []} trailing", "", "not valid JSON"},
      {"{\"messages\":[{\"role\":\"user\",\"content\":\"\xff\xfe\"}]}", "", "not valid JSON"},
      {"{}", "messages", "is required"},
      {with_messages("[]"), "messages", "at least one"},
      {with_messages("{}"), "messages", "must be an array"},
      {with_messages("[1]"), "messages[0]", "must be an object"},
      {with_messages(R"([{"content":"x"}])"), "messages[0].role", "is required"},
      {with_messages(R"([{"role":"user","content":"x"},{"role":"wizard","content":"x"}])"),
       "messages[1].role", "unknown role 'wizard'"},
      {with_messages(R"([{"role":7,"content":"x"}])"), "messages[0].role", "must be a string"},
      {with_messages(R"([{"role":"user"}])"), "messages[0].content",
       "is required for user messages"},
      {with_messages(R"([{"role":"user","content":5}])"), "messages[0].content",
       "string or an array"},
      {part("7"), "messages[0].content[1]", "must be an object"},
      {part(R"({"text":"no type"})"), "messages[0].content[1].type", "is required"},
      {part(R"({"type":"audio","audio":"x"})"), "messages[0].content[1].type",
       "unsupported content part type 'audio'"},
      {part(R"({"type":"text"})"), "messages[0].content[1].text", "is required"},
      {part(R"({"type":"text","text":3})"), "messages[0].content[1].text", "must be a string"},
      {part(R"({"type":"image_url"})"), "messages[0].content[1]", "needs its URL in \"image_url\""},
      {part(R"({"type":"image_url","image_url":{"detail":"low"}})"),
       "messages[0].content[1].image_url", "\"url\" string"},
      {part(R"({"type":"image_url","image_url":42})"), "messages[0].content[1].image_url",
       "URL string"},
      {part(R"({"type":"image_url","image_url":{"url":""}})"),
       "messages[0].content[1].image_url.url", "must not be empty"},
      {part(R"({"type":"video_url","video_url":[]})"), "messages[0].content[1].video_url",
       "URL string"},
      {part(R"({"type":"video"})"), "messages[0].content[1]", "needs its URL in \"video\""},
      {part(R"({"type":"image","image":""})"), "messages[0].content[1].image", "must not be empty"},
      {with_messages(R"([{"role":"user","content":"x","reasoning_content":1}])"),
       "messages[0].reasoning_content", "must be a string"},
      {with_messages(R"([{"role":"user","content":"x","tool_calls":[]}])"),
       "messages[0].tool_calls", "only allowed on assistant"},
      {with_messages(R"([{"role":"assistant","tool_calls":{}}])"), "messages[0].tool_calls",
       "must be an array"},
      {with_messages(R"([{"role":"assistant","tool_calls":[{"id":"a"}]}])"),
       "messages[0].tool_calls[0].function", "is required"},
      {with_messages(
           R"([{"role":"assistant","tool_calls":[{"type":"web","function":{"name":"f"}}]}])"),
       "messages[0].tool_calls[0].type", "must be \"function\""},
      {with_messages(R"([{"role":"assistant","tool_calls":[{"function":{"arguments":"{}"}}]}])"),
       "messages[0].tool_calls[0].function.name", "is required"},
      {with_messages(
           R"([{"role":"assistant","tool_calls":[{"function":{"name":"f","arguments":[1]}}]}])"),
       "messages[0].tool_calls[0].function.arguments", "JSON string or an object"},
      {with_messages(R"([{"role":"tool","content":"x","tool_call_id":5}])"),
       "messages[0].tool_call_id", "must be a string"},
      {with_messages(R"([{"role":"user","content":"x","name":false}])"), "messages[0].name",
       "must be a string"},
      {with_field(R"("model": 3)"), "model", "must be a string"},
      {with_field(R"("stream": "yes")"), "stream", "true or false"},
      {with_field(R"("stream_options": true)"), "stream_options", "must be an object"},
      {with_field(R"("stream_options": {"include_usage": 1})"), "stream_options.include_usage",
       "true or false"},
      {with_field(R"("max_tokens": 0)"), "max_tokens", "between 1 and"},
      {with_field(R"("max_tokens": 10.5)"), "max_tokens", "must be an integer"},
      {with_field(R"("max_tokens": "10")"), "max_tokens", "must be an integer"},
      {with_field(R"("max_completion_tokens": -3)"), "max_completion_tokens", "between 1 and"},
      {with_field(R"("temperature": 2.01)"), "temperature", "at most 2"},
      {with_field(R"("temperature": -0.1)"), "temperature", "at least 0"},
      {with_field(R"("temperature": "hot")"), "temperature", "must be a number"},
      {with_field(R"("top_p": 0)"), "top_p", "greater than 0"},
      {with_field(R"("top_p": 1.5)"), "top_p", "at most 1"},
      {with_field(R"("top_k": -2)"), "top_k", "between -1 and"},
      {with_field(R"("top_k": 1.5)"), "top_k", "must be an integer"},
      {with_field(R"("min_p": 1.1)"), "min_p", "at most 1"},
      {with_field(R"("presence_penalty": -2.5)"), "presence_penalty", "at least -2"},
      {with_field(R"("frequency_penalty": 3)"), "frequency_penalty", "at most 2"},
      {with_field(R"("repetition_penalty": 0)"), "repetition_penalty", "greater than 0"},
      {with_field(R"("seed": 1e30)"), "seed", "must be an integer"},
      {with_field(R"("seed": 18446744073709551615)"), "seed", "must be an integer"},
      {with_field(R"("stop": 5)"), "stop", "string or an array"},
      {with_field(R"("stop": ["a", 1])"), "stop[1]", "must be a string"},
      {with_field(R"("stop": "")"), "stop", "must not be empty"},
      {with_field(
           R"("stop": ["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q"])"),
       "stop", "at most 16"},
      {with_field("\"stop\": \"" + std::string(513, 'x') + "\""), "stop", "at most 512"},
      {with_field(R"("n": 0)"), "n", "between 1 and 128"},
      {with_field(R"("n": 129)"), "n", "between 1 and 128"},
      {with_field(R"("n": 1.5)"), "n", "must be an integer"},
      {with_field(R"("logprobs": 1)"), "logprobs", "true or false"},
      {with_field(R"("logprobs": true, "top_logprobs": 21)"), "top_logprobs", "between 0 and 20"},
      {with_field(R"("top_logprobs": 5)"), "top_logprobs", "needs \"logprobs\": true"},
      {with_field(R"("tools": {})"), "tools", "must be an array"},
      {with_field(R"("tools": [1])"), "tools[0]", "must be an object"},
      {with_field(R"("tools": [{"type":"function","function":{"name":"a"}}, {"type":"code"}])"),
       "tools[1].type", "must be \"function\""},
      {with_field(R"("tools": [{"type":"function"}])"), "tools[0].function", "is required"},
      {with_field(R"("tools": [{"type":"function","function":{"name":""}}])"),
       "tools[0].function.name", "must not be empty"},
      {with_field(R"("tools": [{"type":"function","function":{"name":"f","p":)" +
                  std::string(100, '[') + std::string(100, ']') + "}}]"),
       "tools[0]", "nested deeper"},
      {with_field(R"("tool_choice": "sometimes")"), "tool_choice", "\"none\", \"auto\""},
      {with_field(R"("tool_choice": 1)"), "tool_choice", "\"none\", \"auto\""},
      {with_field(R"("tool_choice": {"type":"function","function":{}})"),
       "tool_choice.function.name", "is required"},
      {with_field(R"("user": [])"), "user", "must be a string"},
      {with_field(R"("session_id": "")"), "session_id", "must not be empty"},
      {with_field(R"("session_id": "a\nb")"), "session_id", "control characters"},
  };
  return cases;
}

}  // namespace

TEST(ChatRequestErrors, EachNamesTheOffendingParam) {
  for (const bad_body& c : bad_bodies()) {
    SCOPED_TRACE(c.body.substr(0, 200));
    try {
      parse_chat_request(c.body);
      ADD_FAILURE() << "accepted";
    } catch (const request_error& e) {
      EXPECT_EQ(e.param, c.param) << e.what();
      EXPECT_NE(std::string(e.what()).find(c.message_part), std::string::npos) << e.what();
      if (!c.param.empty()) {
        EXPECT_EQ(std::string(e.what()).rfind(c.param, 0), 0u) << e.what();
      }
    }
  }
}

TEST(ChatRequestErrors, AFieldNameWithANulKeepsTheWholeMessage) {
  try {
    parse_chat_request(with_field(R"("\u0000x": 1)"));
    ADD_FAILURE() << "accepted";
  } catch (const request_error& e) {
    EXPECT_EQ(e.param, std::string("\0x", 2));
    EXPECT_EQ(e.message, std::string("\0x", 2) + ": is not a supported request field; see the README's request field table");
  }
}

TEST(ChatRequestErrors, TooManyMessagesOrPartsAreRefused) {
  std::string many = "[";
  for (int i = 0; i < 4097; ++i)
    many += std::string(i ? "," : "") + R"({"role":"user","content":"x"})";
  many += "]";
  EXPECT_THROW(parse_chat_request(with_messages(many)), request_error);
  std::string parts = "[";
  for (int i = 0; i < 513; ++i)
    parts += std::string(i ? "," : "") + R"({"type":"text","text":"x"})";
  parts += "]";
  EXPECT_THROW(parse_chat_request(with_messages(R"([{"role":"user","content":)" + parts + "}]")),
               request_error);
}

TEST(ChatRequestErrors, DeepNestingNeverOverflowsTheStack) {
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  EXPECT_THROW(parse_chat_request(with_field("\"x\": " + deep)), request_error);  // unknown field
  EXPECT_THROW(parse_chat_request(with_messages(R"([{"role":"assistant","tool_calls":[{"function":
      {"name":"f","arguments":{"a":)" + deep + "}}}]}]")),
               request_error);
}

// Every prefix and many single-byte corruptions of a rich body: the parser must either succeed or
// throw request_error — never crash, never leak another exception type.
TEST(ChatRequestErrors, TruncatedAndCorruptedBodiesNeverEscape) {
  const std::string body = R"({"model":"m","stream":true,"stream_options":{"include_usage":true},
    "messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"hi"},
    {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}},{"type":"video","video":"v"}]},
    {"role":"assistant","reasoning_content":"r","tool_calls":[{"id":"1","type":"function",
    "function":{"name":"f","arguments":{"k":[1,2.5,"\u00e9"]}}}]},{"role":"tool","content":"ok"}],
    "tools":[{"type":"function","function":{"name":"f","parameters":{}}}],"tool_choice":"auto",
    "stop":["x"],"temperature":0.5,"top_p":0.9,"top_k":5,"max_tokens":8,"seed":1,"logprobs":true,
    "top_logprobs":2})";
  ASSERT_NO_THROW(parse_chat_request(body));
  std::size_t errors = 0;
  for (std::size_t n = 0; n < body.size(); ++n) {
    try {
      parse_chat_request(std::string_view(body).substr(0, n));
    } catch (const request_error&) {
      ++errors;
    }
  }
  EXPECT_EQ(errors, body.size());  // no proper prefix of an object is a valid body
  const char replacements[] = {'"', '0', ']', '}', 'x', '\0', '\\', ',', '\x80'};
  for (std::size_t i = 0; i < body.size(); i += 3) {
    for (const char r : replacements) {
      std::string corrupt = body;
      corrupt[i] = r;
      try {
        parse_chat_request(corrupt);
      } catch (const request_error&) {
      }
    }
  }
}
