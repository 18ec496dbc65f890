#include "media/base64.hpp"

#include <array>
#include <string>

#include "media/media_source.hpp"

namespace vlserve::media {
namespace {

constexpr int8_t skip = -2;
constexpr int8_t invalid = -1;

constexpr std::array<int8_t, 256> make_table() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = invalid;
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = int8_t(i);
  for (unsigned char c : {' ', '\t', '\r', '\n'}) t[c] = skip;
  return t;
}
constexpr auto table = make_table();

std::string describe(unsigned char c) {
  if (c >= 0x21 && c < 0x7f) return std::string("'") + char(c) + "'";
  static const char* hex = "0123456789abcdef";
  return std::string("byte 0x") + hex[c >> 4] + hex[c & 15];
}

media_error too_large(int64_t bytes, int64_t max_bytes) {
  return media_error("the data: URL holds about " + std::to_string(bytes) + " bytes, more than MEDIA_MAX_BYTES=" +
                     std::to_string(max_bytes) + "; send a smaller image/video or raise MEDIA_MAX_BYTES");
}

}  // namespace

std::vector<uint8_t> decode_base64(std::string_view text, int64_t max_bytes) {
  // Every 4 characters carry at most 3 bytes, so an oversized item is refused before any work; the
  // exact size is checked after decoding (padding and whitespace make the estimate slightly high).
  if (int64_t(text.size() / 4) * 3 > max_bytes + 2) throw too_large(int64_t(text.size() / 4) * 3, max_bytes);
  std::vector<uint8_t> out;
  out.reserve(text.size() / 4 * 3 + 3);
  uint32_t acc = 0;
  int bits = 0;
  size_t digits = 0;
  size_t padding_at = std::string_view::npos;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const int8_t v = table[c];
    if (v == skip) continue;
    if (c == '=') {
      if (padding_at == std::string_view::npos) padding_at = i;
      continue;
    }
    if (v == invalid || padding_at != std::string_view::npos)
      throw media_error("the data: URL is not valid base64: " + describe(c) + " at offset " + std::to_string(i) +
                        " of the base64 text" + (v == invalid ? "" : " follows '=' padding") +
                        "; encode the file with standard base64 (A-Z a-z 0-9 + /)");
    acc = acc << 6 | uint32_t(v);
    bits += 6;
    ++digits;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(uint8_t(acc >> bits));
    }
  }
  // A final group of one digit cannot encode a byte: the text was cut or mangled.
  if (digits % 4 == 1)
    throw media_error("the data: URL is not valid base64: its length is wrong (" + std::to_string(digits) +
                      " base64 digits); the text looks truncated");
  if (int64_t(out.size()) > max_bytes) throw too_large(int64_t(out.size()), max_bytes);
  return out;
}

}  // namespace vlserve::media
