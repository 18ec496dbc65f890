#include "tests/e2e/bad_request_generator.hpp"

#include <algorithm>
#include <array>
#include <random>
#include <set>

namespace vlserve::testing {
namespace {

constexpr const char* kChat = "/v1/chat/completions";

// Small on purpose: a mutation that happens to be valid must finish in milliseconds.
const std::string kValid =
    R"({"model":"qwen3-vl","messages":[{"role":"user","content":"hi"}],"max_tokens":2,"temperature":0})";

// Uses most fields at once, so truncations and byte flips land in every part of the parser.
const std::string kRich =
    R"({"model":"qwen3-vl","messages":[{"role":"system","content":"be brief"},)"
    R"({"role":"user","content":[{"type":"text","text":"caf\u00e9 \ud83d\ude00"}]},)"
    R"({"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function",)"
    R"("function":{"name":"f","arguments":"{\"a\":1}"}}]},{"role":"tool","tool_call_id":"c1","content":"2"}],)"
    R"("tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object",)"
    R"("properties":{"a":{"type":"integer"}}}}}],"tool_choice":"auto","max_tokens":2,"temperature":0.5,)"
    R"("top_p":0.9,"top_k":5,"seed":7,"stop":["x"],"logprobs":true,"top_logprobs":2,)"
    R"("stream":true,"stream_options":{"include_usage":true},"logit_bias":{"15":-1}})";

std::string body_with(const std::string& key, const std::string& value) {
  return R"({"messages":[{"role":"user","content":"hi"}],"max_tokens":2,")" + key + "\":" + value + "}";
}

std::string message_with(const std::string& message) {
  return R"({"messages":[)" + message + R"(],"max_tokens":2})";
}

std::string image_part(const std::string& url_json) {
  return message_with(R"({"role":"user","content":[{"type":"image_url","image_url":{"url":)" + url_json +
                      R"(}},{"type":"text","text":"what?"}]})");
}

std::string video_part(const std::string& url_json) {
  return message_with(R"({"role":"user","content":[{"type":"video_url","video_url":{"url":)" + url_json +
                      R"(}},{"type":"text","text":"what?"}]})");
}

std::string base64(const std::string& bytes) {
  static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = uint32_t(uint8_t(bytes[i])) << 16 | uint32_t(uint8_t(bytes[i + 1])) << 8 | uint8_t(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += abc[(v >> s) & 63];
  }
  if (i + 1 == bytes.size()) {
    const uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
    out += std::string{abc[v >> 18], abc[(v >> 12) & 63]} + "==";
  } else if (i + 2 == bytes.size()) {
    const uint32_t v = uint32_t(uint8_t(bytes[i])) << 16 | uint32_t(uint8_t(bytes[i + 1])) << 8;
    out += std::string{abc[v >> 18], abc[(v >> 12) & 63], abc[(v >> 6) & 63]} + "=";
  }
  return out;
}

std::string data_url(const std::string& mime, const std::string& bytes) {
  return "\"data:" + mime + ";base64," + base64(bytes) + "\"";
}

uint32_t crc32(const std::string& bytes, size_t begin, size_t end) {
  uint32_t c = 0xffffffffu;
  for (size_t i = begin; i < end; ++i) {
    c ^= uint8_t(bytes[i]);
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return ~c;
}

void put_be32(std::string& s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = char(v >> (24 - 8 * i));
}

std::string le16(uint32_t v) { return {char(v & 0xff), char(v >> 8 & 0xff)}; }
std::string le32(uint32_t v) { return le16(v & 0xffff) + le16(v >> 16); }

// `png` with its IHDR width and height replaced and the chunk's CRC fixed, so only the
// dimensions are wrong.
std::string png_with_size(std::string png, uint32_t w, uint32_t h) {
  put_be32(png, 16, w);
  put_be32(png, 20, h);
  put_be32(png, 29, crc32(png, 12, 29));
  return png;
}

std::string jpeg_with_size(uint32_t w, uint32_t h) {
  std::string j = "\xff\xd8\xff\xc0";
  j += std::string{0, 17, 8, char(h >> 8), char(h & 0xff), char(w >> 8), char(w & 0xff), 3};
  j += std::string("\x01\x22\x00\x02\x11\x01\x03\x11\x01", 9);
  return j + "\xff\xd9";
}

std::string gif_with_size(uint32_t w, uint32_t h) {
  return "GIF89a" + le16(w) + le16(h) + std::string("\x80\x00\x00\x00\x00\x00\xff\xff\xff", 9) + "," +
         std::string(4, '\0') + le16(w) + le16(h) + std::string("\x00\x02\x02\x44\x01\x00;", 7);
}

std::string bmp_with_size(int32_t w, int32_t h) {
  std::string b = "BM" + le32(54 + 16) + le32(0) + le32(54) + le32(40) + le32(uint32_t(w)) + le32(uint32_t(h));
  b += le16(1) + le16(24) + le32(0) + le32(16) + le32(2835) + le32(2835) + le32(0) + le32(0);
  return b + std::string(16, '\x7f');
}

class builder {
 public:
  builder(uint64_t seed, const generator_inputs& in) : rng_(seed), in_(in) {}

  void add(const std::string& family, const std::string& what, const std::string& raw, bad_expect e) {
    if (seen_.insert(raw).second) out_.push_back({family, what, raw, e});
  }
  void chat(const std::string& family, const std::string& what, const std::string& body, bad_expect e) {
    add(family, what, raw_post(kChat, body, in_.api_key), e);
  }
  std::mt19937_64& rng() { return rng_; }
  const generator_inputs& in() const { return in_; }
  std::vector<bad_request> take() {
    std::shuffle(out_.begin(), out_.end(), rng_);
    return std::move(out_);
  }

 private:
  std::mt19937_64 rng_;
  const generator_inputs& in_;
  std::set<std::string> seen_;
  std::vector<bad_request> out_;
};

// Every proper prefix of a JSON object is invalid JSON.
void truncations(builder& b) {
  for (size_t n = 0; n < kValid.size(); ++n)
    b.chat("json", "valid body cut at " + std::to_string(n), kValid.substr(0, n), bad_expect::error);
  for (size_t n = 1; n < kRich.size(); n += 3)
    b.chat("json", "rich body cut at " + std::to_string(n), kRich.substr(0, n), bad_expect::error);
}

// Random byte flips, insertions and deletions: most break the JSON, some land in a value and
// leave a valid request.
void byte_mutations(builder& b, int count) {
  const std::string alphabet = "{}[]\":,0123456789.-+eE\\ntfu \x01\x7f\xc3\xff";
  for (int i = 0; i < count; ++i) {
    std::string s = (i % 2 == 0) ? kValid : kRich;
    const int edits = 1 + int(b.rng()() % 3);
    for (int e = 0; e < edits && !s.empty(); ++e) {
      const size_t at = b.rng()() % s.size();
      const char c = alphabet[b.rng()() % alphabet.size()];
      switch (b.rng()() % 3) {
        case 0: s[at] = c; break;
        case 1: s.insert(s.begin() + long(at), c); break;
        default: s.erase(at, 1); break;
      }
    }
    b.chat("json", "byte mutation " + std::to_string(i), s, bad_expect::any);
  }
}

// Every top-level field with values of every JSON type and edge value.
void wrong_types(builder& b) {
  const std::vector<std::string> fields = {
      "model", "stream", "stream_options", "max_tokens", "max_completion_tokens", "temperature", "top_p",
      "top_k", "min_p", "presence_penalty", "frequency_penalty", "repetition_penalty", "seed", "stop", "n",
      "logprobs", "top_logprobs", "tools", "tool_choice", "parallel_tool_calls", "response_format", "logit_bias",
      "thinking_budget", "reasoning_effort", "chat_template_kwargs", "user", "session_id"};
  const std::vector<std::string> values = {
      "true", "false", "0", "-1", "1", "2147483648", "-9223372036854775809", "18446744073709551616",
      "1e308", "-1e308", "1e-320", "1.5", "-0.0", "\"\"", "\"x\"", "\"NaN\"", "\"Infinity\"", "\"-inf\"",
      "\"1e999\"", "[]", "[1]", "[\"\"]", "{}", "{\"x\":1}", "[[[[[]]]]]", "\"\\u0000\""};
  for (const auto& f : fields)
    for (const auto& v : values) b.chat("types", f + " = " + v, body_with(f, v), bad_expect::any);
  // A number outside double's range is a parse error.
  for (const auto& f : {"max_tokens", "temperature", "seed", "top_p"})
    b.chat("types", std::string(f) + " = 1e400", body_with(f, "1e400"), bad_expect::error);
  for (const auto& v : {"[]", "{}", "\"hi\"", "null", "[null]", "[1]", "[[]]", "[{}]"})
    b.chat("types", std::string("messages = ") + v, std::string(R"({"messages":)") + v + "}", bad_expect::error);
  for (const auto& top : {"null", "true", "0", "\"x\"", "[]", "[{}]", "1e999", "{}", "{\"\":1}"})
    b.chat("types", std::string("body = ") + top, top, bad_expect::error);
}

// Message-level fields: roles, content shapes, content parts, tool calls.
void message_shapes(builder& b) {
  const std::vector<std::string> values = {"null", "1", "true", "\"\"", "[]", "{}", "[1]", "[{}]",
                                           "[{\"type\":\"text\"}]", "[{\"type\":\"audio\",\"audio\":1}]",
                                           "[{\"type\":\"text\",\"text\":1}]", "{\"text\":\"x\"}"};
  for (const auto& role : {"user", "system", "assistant", "tool", "developer", "USER", "", "wizard"}) {
    for (const auto& c : values)
      b.chat("types", std::string("role ") + role + " content " + c,
             message_with(std::string(R"({"role":")") + role + R"(","content":)" + c + "}"), bad_expect::any);
  }
  for (const auto& role : {"null", "1", "[]", "{}", "true"})
    b.chat("types", std::string("role = ") + role, message_with(std::string(R"({"role":)") + role + R"(,"content":"x"})"),
           bad_expect::error);
  for (const auto& calls : {"1", "\"x\"", "[1]", "[{}]", "[{\"id\":1}]", "[{\"type\":\"function\",\"function\":1}]",
                            "[{\"id\":\"a\",\"type\":\"function\",\"function\":{\"name\":1,\"arguments\":\"{}\"}}]",
                            "[{\"id\":\"a\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\"}}]"})
    b.chat("types", std::string("tool_calls = ") + calls,
           message_with(std::string(R"({"role":"user","content":"x"},{"role":"assistant","tool_calls":)") + calls + "}"),
           bad_expect::any);
  b.chat("types", "unknown message field", message_with(R"({"role":"user","content":"x","wat":1})"), bad_expect::any);
  b.chat("types", "no role", message_with(R"({"content":"x"})"), bad_expect::error);
  b.chat("types", "no content", message_with(R"({"role":"user"})"), bad_expect::any);
}

void nesting_and_unknown_fields(builder& b) {
  for (const size_t depth : {64, 512, 4096, 30000}) {
    const std::string arr = std::string(depth, '[') + std::string(depth, ']');
    b.chat("json", "nested arrays " + std::to_string(depth), body_with("stop", arr), bad_expect::error);
    b.chat("json", "unclosed arrays " + std::to_string(depth), std::string(depth, '['), bad_expect::error);
    std::string obj;
    for (size_t i = 0; i < depth; ++i) obj += "{\"a\":";
    obj += "1" + std::string(depth, '}');
    b.chat("json", "nested objects " + std::to_string(depth), body_with("chat_template_kwargs", obj), bad_expect::any);
    b.chat("json", "nested schema " + std::to_string(depth),
           body_with("response_format", R"({"type":"json_schema","json_schema":{"name":"s","schema":)" + obj + "}}"),
           bad_expect::any);
  }
  for (const auto& name : {"functions", "prediction", "", " ", "MESSAGES", "messages ", "\\u0000", "x\\ty", "__proto__"})
    b.chat("json", std::string("unknown field '") + name + "'", body_with(name, "1"), bad_expect::error);
  for (int i = 0; i < 40; ++i) {
    std::string name(1 + b.rng()() % 24, 'a');
    for (auto& c : name) c = char('a' + b.rng()() % 26);
    b.chat("json", "unknown field " + name, body_with(name, "{}"), bad_expect::any);
  }
  b.chat("json", "duplicate messages", R"({"messages":[{"role":"user","content":"x"}],"messages":"x","max_tokens":2})",
         bad_expect::any);
  b.chat("json", "duplicate max_tokens", R"({"messages":[{"role":"user","content":"x"}],"max_tokens":2,"max_tokens":-1})",
         bad_expect::any);
  b.chat("json", "duplicate stream", body_with("stream", "true,\"stream\":\"x\""), bad_expect::any);
  b.chat("json", "trailing garbage", kValid + "x", bad_expect::error);
  b.chat("json", "two documents", kValid + kValid, bad_expect::error);
  b.chat("json", "trailing comma", R"({"messages":[{"role":"user","content":"x"},],})", bad_expect::error);
  b.chat("json", "comments", "/* */" + kValid, bad_expect::error);
  b.chat("json", "single quotes", R"({'messages':[]})", bad_expect::error);
  b.chat("json", "BOM", "\xef\xbb\xbf" + kValid, bad_expect::any);
}

void unicode(builder& b) {
  const std::vector<std::string> escapes = {"\\ud800", "\\udc00", "\\udc00\\ud800", "\\ud800x", "\\ud83d\\u0041",
                                            "\\u12", "\\u", "\\uZZZZ", "\\x41", "\\a", "\\", "\\u0000", "\\uffff",
                                            "\\ufffe", "\\u00e9\\u0301"};
  const std::vector<std::string> bytes = {"\xff", "\xfe\xff", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                                          "\xf8\x88\x80\x80\x80", "\xc3", "\xe2\x82", "\x80", std::string(1, '\0'),
                                          "\x01\x02\x1f", "\n", "\t", "\x7f", "\xef\xbf\xbd"};
  for (const auto& where : {"content", "model", "session_id", "user", "stop", "key"}) {
    for (const auto& e : escapes) {
      const std::string s = "\"a" + e + "b\"";
      const std::string w = where;
      const std::string body = w == "content" ? message_with(R"({"role":"user","content":)" + s + "}")
                               : w == "key"   ? body_with("a" + e, "1")
                                              : body_with(w, s);
      b.chat("unicode", w + " escape " + e, body, bad_expect::any);
    }
    for (const auto& raw : bytes) {
      const std::string s = "\"a" + raw + "b\"";
      const std::string w = where;
      const std::string body = w == "content" ? message_with(R"({"role":"user","content":)" + s + "}")
                               : w == "key"   ? body_with("a" + raw, "1")
                                              : body_with(w, s);
      b.chat("unicode", w + " raw bytes", body, bad_expect::any);
    }
  }
}

void headers(builder& b) {
  const auto& key = b.in().api_key;
  auto with_type = [&](const std::string& ct) {
    return "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + key +
           "\r\nContent-Type: " + ct + "\r\nContent-Length: " + std::to_string(kValid.size()) + "\r\n\r\n" + kValid;
  };
  for (const auto& ct : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                         "application/json; charset=latin1", "application/xml", "image/png", "*/*"})
    b.add("headers", std::string("Content-Type ") + ct, with_type(ct), bad_expect::any);
  // Pistache parses Content-Type while it reads the head; the framing screen asks its parser first.
  for (const auto& ct : {"", ";;;", "application/json\x01", "\xff\xfe", "a/b; c", "/"})
    b.add("framing", std::string("malformed Content-Type ") + ct, with_type(ct), bad_expect::error);
  // A Content-Length shorter than the body: the server reads a truncated document.
  for (const size_t n : {size_t(0), size_t(1), size_t(10), kValid.size() - 1})
    b.add("headers", "Content-Length " + std::to_string(n) + " of " + std::to_string(kValid.size()),
          "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + key +
              "\r\nContent-Length: " + std::to_string(n) + "\r\n\r\n" + kValid,
          bad_expect::error);
  for (const std::string& sid : std::vector<std::string>{"", "a/b", "a b", "..", std::string(129, 's'), "\x01", "\xff",
                                                        "a:1", "tag~x"})
    b.add("headers", "X-Session-Id " + std::string(sid).substr(0, 20),
          raw_post(kChat, kValid, key, "X-Session-Id: " + std::string(sid) + "\r\n"), bad_expect::any);
  b.add("headers", "4000 extra headers", raw_post(kChat, kValid, key, [] {
          std::string h;
          for (int i = 0; i < 4000; ++i) h += "X-Junk-" + std::to_string(i) + ": v\r\n";
          return h;
        }()),
        bad_expect::any);
  b.add("headers", "one 100 KB header", raw_post(kChat, kValid, key, "X-Big: " + std::string(100000, 'h') + "\r\n"),
        bad_expect::any);
  b.add("headers", "Expect: 100-continue", raw_post(kChat, kValid, key, "Expect: 100-continue\r\n"), bad_expect::any);
  b.add("headers", "Accept-Encoding junk", raw_post(kChat, kValid, key, "Accept-Encoding: \xff;q=x\r\n"), bad_expect::any);
  b.add("headers", "Origin junk", raw_post(kChat, kValid, key, "Origin: javascript:\x01\r\n"), bad_expect::any);
}

void auth(builder& b) {
  const auto& key = b.in().api_key;
  const std::vector<std::string> junk = {"", "Bearer", "Bearer ", "Bearer  " + key, "Basic " + key, "Token " + key,
                                         "Bearer " + key.substr(0, key.size() - 1), "Bearer " + key + "x",
                                         "Bearer " + key + "\x01", "Bearer \xff\xfe", "Bearer " + std::string(8000, 'k'),
                                         "Bearer " + key + ", Bearer " + key, "Bearer" + key, key,
                                         "Bearer " + std::string(key.size(), 'x')};
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"POST", kChat}, {"GET", "/v1/models"}, {"GET", "/v1/sessions/" + b.in().finished_session},
      {"GET", "/v1/sessions/" + b.in().finished_session + "/events"}, {"POST", "/v1/cancel/x"},
      {"POST", "/tokenize"}, {"POST", "/detokenize"}};
  for (const auto& [method, path] : routes) {
    const std::string body = method == "POST" ? kValid : "";
    for (const auto& a : junk) {
      const std::string line = a.empty() ? "" : "Authorization: " + a + "\r\n";
      b.add("auth", method + " " + path + " with Authorization '" + a.substr(0, 24) + "'",
            method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + line +
                "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body,
            bad_expect::error);
    }
  }
}

void resume(builder& b) {
  const auto& key = b.in().api_key;
  const auto& sid = b.in().finished_session;
  const std::vector<std::string> ids = {"", ":", sid + ":", ":5", sid + ":-1", sid + ":+1", sid + ": 1", sid + ":1 ",
                                        sid + ":18446744073709551616", sid + ":99999999999999999999999",
                                        sid + ":0x10", sid + ":1e3", sid + ":1.0", sid + "%3A3", sid + ":3:4",
                                        "a:b:c:1", sid + ":" + std::string(400, '9'), std::string(300, 'a') + ":1",
                                        sid + ":\xff", "\x01:1", "never-made:0", "bad id:0", sid,
                                        sid + ":00000000000000000001", sid + ":18446744073709551615"};
  for (const auto& id : ids) {
    const std::string h = "Last-Event-ID: " + id + "\r\n";
    const auto e = bad_expect::any;  // a well-formed cursor on the finished session replays (200/204)
    b.add("resume", "POST Last-Event-ID " + id.substr(0, 40), raw_post(kChat, "{}", key, h), e);
    b.add("resume", "GET events Last-Event-ID " + id.substr(0, 40), raw_get("/v1/sessions/" + sid + "/events", key, h), e);
  }
  for (const std::string& q : std::vector<std::string>{"%", "%3", "%zz", "%3A", "x%3A1", sid + "%3A1", sid + "%3a1", sid + "%253A1", sid + "%3A%2D1",
                        sid + "%3A18446744073709551616", sid + "%3A1%00", sid + "+:1", sid + "%3A1&last_event_id=x",
                        std::string(2000, '%'), "%E2%82", "%C0%AF"}) {
    b.add("resume", "GET events ?last_event_id=" + q.substr(0, 40),
          raw_get("/v1/sessions/" + sid + "/events?last_event_id=" + q, key), bad_expect::any);
    b.add("resume", "POST ?last_event_id=" + q.substr(0, 40),
          raw_post(std::string(kChat) + "?last_event_id=" + q, "{}", key), bad_expect::any);
  }
}

void media(builder& b) {
  const auto& in = b.in();
  for (const auto& url : {"\"data:\"", "\"data:image/png\"", "\"data:image/png;base64\"", "\"data:image/png;base64,\"",
                          "\"data:image/png;base64,!!!!\"", "\"data:image/png;base64,iVBOR=\"",
                          "\"data:image/png;base64,iVBORw0KGgo=\"", "\"data:;base64,AAAA\"", "\"data:image/png,rawdata\"",
                          "\"data:text/plain;base64,aGVsbG8=\"", "\"data:image/png;base64,====\"",
                          "\"data:image/png;base64,A\"", "\"data:image/png;charset=utf-8;base64,AAAA\"",
                          "\"DATA:IMAGE/PNG;BASE64,AAAA\"", "\"data:image/png;base64,AA\\nAA\"",
                          "\"file:///etc/passwd\"", "\"file://../../etc/passwd\"", "\"ftp://example.com/x.png\"",
                          "\"javascript:alert(1)\"", "\"http://169.254.169.254/latest/meta-data\"",
                          "\"http://127.0.0.1:1/x.png\"", "\"http://[::1]/x.png\"", "\"http://\"", "\"//x\"",
                          "\"\"", "1", "null", "[]", "{}", "true"}) {
    b.chat("media", std::string("image url ") + url, image_part(url), bad_expect::error);
    b.chat("media", std::string("video url ") + url, video_part(url), bad_expect::error);
  }
  b.chat("media", "image_url a string", message_with(R"({"role":"user","content":[{"type":"image_url","image_url":"x"}]})"),
         bad_expect::any);
  b.chat("media", "image part without image",
         message_with(R"({"role":"user","content":[{"type":"image_url"}]})"), bad_expect::error);
  b.chat("media", "image in a system message",
         message_with(R"({"role":"system","content":[{"type":"image_url","image_url":{"url":"data:,"}}]})"),
         bad_expect::any);
  for (const auto& png : in.pngs) {
    for (size_t cut = 0; cut < png.size(); cut += std::max<size_t>(1, png.size() / 24))
      b.chat("media", "png cut at " + std::to_string(cut), image_part(data_url("image/png", png.substr(0, cut))),
             bad_expect::any);
    for (int i = 0; i < 12; ++i) {
      std::string p = png;
      p[8 + b.rng()() % (p.size() - 8)] ^= char(1 + b.rng()() % 255);
      b.chat("media", "png with a flipped byte " + std::to_string(i), image_part(data_url("image/png", p)),
             bad_expect::any);
    }
    b.chat("media", "png declared jpeg", image_part(data_url("image/jpeg", png)), bad_expect::any);
    b.chat("media", "png as a video", video_part(data_url("video/mp4", png)), bad_expect::any);
  }
  const std::string& png = in.pngs.front();
  for (const auto& [w, h] : std::vector<std::pair<uint32_t, uint32_t>>{
           {65535, 65535}, {1, 0x7fffffff}, {0x7fffffff, 1}, {0, 0}, {0x80000000u, 1}, {100000, 100000}})
    b.chat("media", "png declaring " + std::to_string(w) + "x" + std::to_string(h),
           image_part(data_url("image/png", png_with_size(png, w, h))), bad_expect::error);
  for (const auto& [w, h] : std::vector<std::pair<uint32_t, uint32_t>>{{65500, 65500}, {0, 0}, {1, 65535}, {16, 16}}) {
    b.chat("media", "jpeg declaring " + std::to_string(w) + "x" + std::to_string(h),
           image_part(data_url("image/jpeg", jpeg_with_size(w, h))), bad_expect::error);
    b.chat("media", "gif declaring " + std::to_string(w) + "x" + std::to_string(h),
           image_part(data_url("image/gif", gif_with_size(w, h))), bad_expect::any);
  }
  for (const auto& [w, h] : std::vector<std::pair<int32_t, int32_t>>{{1 << 30, 1 << 30}, {-4, -4}, {4, -4}, {0, 0}, {2, 2}})
    b.chat("media", "bmp declaring " + std::to_string(w) + "x" + std::to_string(h),
           image_part(data_url("image/bmp", bmp_with_size(w, h))), bad_expect::any);
  for (const auto& magic : {"\xff\xd8", "\xff\xd8\xff\xe0", "GIF89a", "BM", "RIFF\x10\0\0\0WEBPVP8 ", "\x89PNG\r\n\x1a\n"})
    b.chat("media", "bare magic", image_part(data_url("image/png", magic)), bad_expect::error);
  // Smaller than the picture: the decoder may read a 1x1 picture from the first row and succeed.
  b.chat("media", "png declaring 1x1", image_part(data_url("image/png", png_with_size(png, 1, 1))), bad_expect::any);
  const std::string& mp4 = in.mp4;
  for (size_t cut = 0; cut < mp4.size(); cut += mp4.size() / 16)
    b.chat("media", "mp4 cut at " + std::to_string(cut), video_part(data_url("video/mp4", mp4.substr(0, cut))),
           bad_expect::any);
  for (int i = 0; i < 10; ++i) {
    std::string v = mp4.substr(0, std::min<size_t>(mp4.size(), 2048));
    v[b.rng()() % v.size()] ^= char(1 + b.rng()() % 255);
    b.chat("media", "mp4 head with a flipped byte " + std::to_string(i), video_part(data_url("video/mp4", v)),
           bad_expect::any);
  }
  b.chat("media", "mp4 as an image", image_part(data_url("image/png", mp4)), bad_expect::any);
  b.chat("media", "random bytes as a video", video_part(data_url("video/mp4", std::string(3000, '\x42'))),
         bad_expect::error);
  std::string many = R"({"messages":[{"role":"user","content":[)";
  for (int i = 0; i < 300; ++i) many += R"({"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}},)";
  b.chat("media", "300 images", many + R"({"type":"text","text":"x"}]}]})", bad_expect::error);
}

void ids_and_paths(builder& b) {
  const auto& key = b.in().api_key;
  const std::vector<std::string> ids = {"%2e%2e", "..%2f..%2fetc%2fpasswd", "a%2Fb", "%00", "a%00b", "%ff", "%",
                                        "%zz", std::string(129, 'a'), std::string(5000, 'b'), "caf%C3%A9", "~",
                                        "tag~x", "a;b", "a,b", "*", "a%20b", ".", "-", "_", "...",
                                        "never-made", "a'b", "a\"b", "a%0d%0ab", "%E2%80%AE"};
  for (const auto& id : ids) {
    b.add("ids", "GET /v1/sessions/" + id.substr(0, 30), raw_get("/v1/sessions/" + id, key), bad_expect::error);
    b.add("ids", "GET events " + id.substr(0, 30), raw_get("/v1/sessions/" + id + "/events", key), bad_expect::error);
    b.add("ids", "cancel " + id.substr(0, 30), raw_post("/v1/cancel/" + id, "", key), bad_expect::error);
    // Prefixed, so a valid one does not create a session the path cases above would then find.
    b.chat("ids", "session_id field " + id.substr(0, 30), body_with("session_id", "\"f" + id + "\""), bad_expect::any);
  }
  for (const auto& p : {"/v1/sessions/../../etc/passwd", "/v1/sessions//events", "/v1/sessions/", "/v1/sessions",
                        "/v1/cancel/", "/v1/cancel", "/v1/chat/completions/", "//v1/chat/completions",
                        "/V1/CHAT/COMPLETIONS", "/v1/models/x", "/v1", "/", "/%00", "/v1/chat/completions/..",
                        "/v1/sessions/x/events/y", "/v1/sessions/x/y", "*", "/v1/chat/completions#x",
                        "/v1/chat/completions?", "/v1/chat/completions?a=%&b", "/metrics/x", "/health/../v1/models"}) {
    b.add("paths", std::string("GET ") + p, raw_get(p, key), bad_expect::any);
    b.add("paths", std::string("POST ") + p, raw_post(p, kValid, key), bad_expect::any);
  }
  b.add("paths", "GET a 20 KB path", raw_get("/v1/" + std::string(20000, 'p'), key), bad_expect::error);
  for (const auto& body : {"", "x", "[]", "{}", R"({"prompt":1})", R"({"prompt":"a","content":"b"})",
                           R"({"prompt":"\ud800"})", R"({"prompt":"x","add_special_tokens":true})",
                           R"({"content":null})"})
    b.add("paths", std::string("tokenize ") + body, raw_post("/tokenize", body, key), bad_expect::any);
  for (const auto& toks : {"null", "1", "[-1]", "[2147483648]", "[1e10]", "[\"x\"]", "[1.5]", "[151669]",
                           "[999999999]", "[[1]]", "[null]", "{}", "[-0]"})
    b.add("paths", std::string("detokenize ") + toks,
          raw_post("/detokenize", std::string(R"({"tokens":)") + toks + "}", key), bad_expect::any);
}

// Broken at the HTTP level: request line, framing headers, methods (the framing screen and the
// 405 table answer these; http/request_framing.hpp).
void framing(builder& b) {
  const auto& key = b.in().api_key;
  const std::string auth = "Authorization: Bearer " + key + "\r\n";
  const std::string head = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"garbage request line", "GARBAGE\r\n\r\n"},
      {"no HTTP version", "GET /health\r\n\r\n"},
      {"HTTP/9.9", "GET /health HTTP/9.9\r\nHost: x\r\n\r\n"},
      {"HTTP/1.0 without Host", "GET /health HTTP/1.0\r\n\r\n"},
      {"unknown method", "FOO /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
      {"lower-case method", "get /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
      {"space in the path", "GET /v1/sessions/a b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth + "\r\n"},
      {"header without a colon", "GET /health HTTP/1.1\r\nHost x\r\n\r\n"},
      {"space before the colon", "GET /health HTTP/1.1\r\nHost : x\r\nConnection: close\r\n\r\n"},
      {"obs-fold header", "GET /health HTTP/1.1\r\nHost: x\r\n  folded\r\nConnection: close\r\n\r\n"},
      {"bare LF lines", "GET /health HTTP/1.1\nHost: x\nConnection: close\n\n"},
      {"headers never end", "GET /health HTTP/1.1\r\nHost: x\r\n"},
      {"empty lines only", "\r\n\r\n"},
      {"Content-Length abc", head + "Content-Length: abc\r\n\r\n" + kValid},
      {"Content-Length -5", head + "Content-Length: -5\r\n\r\n" + kValid},
      {"Content-Length 2^64", head + "Content-Length: 18446744073709551616\r\n\r\n" + kValid},
      {"Content-Length 99999999999999999999", head + "Content-Length: 99999999999999999999\r\n\r\n" + kValid},
      {"Content-Length 0x10", head + "Content-Length: 0x10\r\n\r\n" + kValid},
      {"two different Content-Lengths", head + "Content-Length: 2\r\nContent-Length: 90\r\n\r\n" + kValid},
      {"Content-Length longer than the body", head + "Content-Length: 500\r\n\r\n" + kValid},
      {"Transfer-Encoding gzip", head + "Transfer-Encoding: gzip\r\n\r\n" + kValid},
      {"Transfer-Encoding chunked with a bad size", head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"},
      {"Transfer-Encoding and Content-Length", head + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n"},
  };
  for (const auto& [what, raw] : cases) {
    auto expect = bad_expect::error;
    if (what == "HTTP/1.0 without Host") expect = bad_expect::any;
    if (what == "headers never end" || what == "Content-Length longer than the body") expect = bad_expect::unfinished;
    b.add("framing", what, raw, expect);
  }
  for (const auto& method : {"PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT"})
    for (const auto& path : {kChat, "/v1/models", "/health", "/v1/cancel/x", "/v1/sessions/x", "/tokenize"})
      b.add("framing", std::string(method) + " " + path,
            std::string(method) + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth +
                "Content-Length: 0\r\n\r\n",
            bad_expect::error);
}

}  // namespace

std::string raw_post(const std::string& path, const std::string& body, const std::string& key,
                     const std::string& extra_headers) {
  std::string r = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n";
  if (!key.empty()) r += "Authorization: Bearer " + key + "\r\n";
  return r + extra_headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string raw_get(const std::string& path, const std::string& key, const std::string& extra_headers) {
  std::string r = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!key.empty()) r += "Authorization: Bearer " + key + "\r\n";
  return r + extra_headers + "\r\n";
}

std::vector<bad_request> generate_bad_requests(uint64_t seed, const generator_inputs& in) {
  builder b(seed, in);
  truncations(b);
  byte_mutations(b, 200);
  wrong_types(b);
  message_shapes(b);
  nesting_and_unknown_fields(b);
  unicode(b);
  headers(b);
  auth(b);
  resume(b);
  media(b);
  ids_and_paths(b);
  framing(b);
  return b.take();
}

}  // namespace vlserve::testing
