// A small recursive-descent reader over JSON text that writes each value straight back out in
// Python json.dumps form; no document tree, so key order and duplicates survive as given.
#include "model/chat/python_json.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace vlserve::model {
namespace {

constexpr int max_depth = 128;

class reprinter {
 public:
  explicit reprinter(std::string_view text) : in_(text) {}

  std::string run() {
    skip_space();
    value(0);
    skip_space();
    if (at_ < in_.size()) fail("unexpected text after the JSON value");
    return std::move(out_);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::invalid_argument("tool JSON: " + what + " at offset " + std::to_string(at_));
  }

  bool more() const { return at_ < in_.size(); }
  char peek() const { return more() ? in_[at_] : '\0'; }

  void skip_space() {
    while (more() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++at_;
  }

  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++at_;
  }

  void literal(std::string_view word) {
    if (in_.substr(at_, word.size()) != word) fail("invalid literal");
    at_ += word.size();
    out_ += word;
  }

  void value(int depth) {
    if (depth >= max_depth) fail("nesting deeper than 128 levels");
    switch (peek()) {
      case '{': return object(depth);
      case '[': return array(depth);
      case '"': return string();
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return number();
        fail("expected a JSON value");
    }
  }

  void object(int depth) {
    expect('{');
    out_ += '{';
    skip_space();
    if (peek() == '}') {
      ++at_;
      out_ += '}';
      return;
    }
    for (bool first = true;; first = false) {
      if (!first) out_ += ", ";
      skip_space();
      if (peek() != '"') fail("expected a string key");
      string();
      skip_space();
      expect(':');
      out_ += ": ";
      skip_space();
      value(depth + 1);
      skip_space();
      if (peek() == ',') {
        ++at_;
        continue;
      }
      expect('}');
      out_ += '}';
      return;
    }
  }

  void array(int depth) {
    expect('[');
    out_ += '[';
    skip_space();
    if (peek() == ']') {
      ++at_;
      out_ += ']';
      return;
    }
    for (bool first = true;; first = false) {
      if (!first) out_ += ", ";
      skip_space();
      value(depth + 1);
      skip_space();
      if (peek() == ',') {
        ++at_;
        continue;
      }
      expect(']');
      out_ += ']';
      return;
    }
  }

  void digits() {
    if (!(peek() >= '0' && peek() <= '9')) fail("expected a digit");
    while (peek() >= '0' && peek() <= '9') ++at_;
  }

  // Integers keep their digits (Python ints are exact); anything with a fraction or exponent is
  // a Python float and prints in repr form.
  void number() {
    const std::size_t start = at_;
    if (peek() == '-') ++at_;
    if (peek() == '0') {
      ++at_;
    } else {
      digits();
    }
    bool is_float = false;
    if (peek() == '.') {
      ++at_;
      digits();
      is_float = true;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++at_;
      if (peek() == '+' || peek() == '-') ++at_;
      digits();
      is_float = true;
    }
    const std::string_view text = in_.substr(start, at_ - start);
    if (!is_float) {
      out_ += text == "-0" ? std::string_view("0") : text;
      return;
    }
    double v = 0;
    const auto res = std::from_chars(text.data(), text.data() + text.size(), v);
    // Out of range: Python's float() gives +-inf (or 0.0 for underflow, which from_chars reports
    // the same way); map both like Python does.
    if (res.ec == std::errc::result_out_of_range) {
      const bool huge = text.find_first_of("eE") != std::string_view::npos &&
                        text[text.find_first_of("eE") + 1] != '-';
      const bool negative = text[0] == '-';
      v = huge ? (negative ? -HUGE_VAL : HUGE_VAL) : (negative ? -0.0 : 0.0);
    }
    out_ += python_float_repr(v);
  }

  unsigned hex4() {
    if (at_ + 4 > in_.size()) fail("truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = in_[at_++];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<unsigned>(c - 'A' + 10);
      else
        fail("invalid \\u escape");
    }
    return v;
  }

  void put_utf8(unsigned cp) {
    if (cp < 0x80) {
      put_char(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out_ += static_cast<char>(0xC0 | (cp >> 6));
      out_ += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out_ += static_cast<char>(0xE0 | (cp >> 12));
      out_ += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out_ += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out_ += static_cast<char>(0xF0 | (cp >> 18));
      out_ += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out_ += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out_ += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // Python's escape set with ensure_ascii=False: quote, backslash and C0 controls only.
  void put_char(char c) {
    switch (c) {
      case '"': out_ += "\\\""; return;
      case '\\': out_ += "\\\\"; return;
      case '\n': out_ += "\\n"; return;
      case '\r': out_ += "\\r"; return;
      case '\t': out_ += "\\t"; return;
      case '\b': out_ += "\\b"; return;
      case '\f': out_ += "\\f"; return;
      default: break;
    }
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20) {
      static const char hex[] = "0123456789abcdef";
      out_ += "\\u00";
      out_ += hex[u >> 4];
      out_ += hex[u & 0xF];
      return;
    }
    out_ += c;
  }

  void string() {
    expect('"');
    out_ += '"';
    for (;;) {
      if (!more()) fail("unterminated string");
      const char c = in_[at_++];
      if (c == '"') break;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character inside a string");
      if (c != '\\') {
        out_ += c;  // raw bytes, UTF-8 included, pass through unchanged
        continue;
      }
      if (!more()) fail("unterminated escape");
      const char e = in_[at_++];
      switch (e) {
        case '"': put_char('"'); break;
        case '\\': put_char('\\'); break;
        case '/': put_char('/'); break;
        case 'b': put_char('\b'); break;
        case 'f': put_char('\f'); break;
        case 'n': put_char('\n'); break;
        case 'r': put_char('\r'); break;
        case 't': put_char('\t'); break;
        case 'u': unicode_escape(); break;
        default: fail("invalid escape");
      }
    }
    out_ += '"';
  }

  void unicode_escape() {
    unsigned cp = hex4();
    if (cp >= 0xDC00 && cp <= 0xDFFF) fail("lone low surrogate escape");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (in_.substr(at_, 2) != "\\u") fail("lone high surrogate escape");
      at_ += 2;
      const unsigned low = hex4();
      if (low < 0xDC00 || low > 0xDFFF) fail("lone high surrogate escape");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    put_utf8(cp);
  }

  std::string_view in_;
  std::size_t at_ = 0;
  std::string out_;
};

}  // namespace

std::string to_python_json(std::string_view json_text) { return reprinter(json_text).run(); }

}  // namespace vlserve::model
