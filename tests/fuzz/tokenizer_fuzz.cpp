// The tokenizer (model/tokenizer/) with the fixtures' Qwen3 tokenizer.json. The first byte picks:
//  - text: encode never fails below its size cap; decode(encode(x)) is valid UTF-8 and encodes to
//    the same ids again (byte-level BPE loses nothing once NFC and U+FFFD repair are applied);
//  - ids: the rest read as little-endian int32s (half of them folded into the vocabulary) decode
//    to valid UTF-8, with and without specials, and the streaming decoder fed one id at a time
//    produces exactly what decode() does.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "model/tokenizer/stream_decoder.hpp"
#include "model/tokenizer/tokenizer.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using vlserve::model::tokenizer;

const tokenizer& tok() {
  static const tokenizer t = [] {
    const char* path = std::getenv("VLSERVE_FUZZ_TOKENIZER");
    return tokenizer::load(path ? path : VLSERVE_FUZZ_TOKENIZER);
  }();
  return t;
}

bool valid_utf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n = 0;
    uint32_t cp = 0;
    if (c >= 0xc2 && c <= 0xdf) n = 1, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef) n = 2, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4) n = 3, cp = c & 0x07;
    else return false;
    if (s.size() - i <= n) return false;
    for (size_t k = 1; k <= n; ++k) {
      const unsigned char cont = s[i + k];
      if ((cont & 0xc0) != 0x80) return false;
      cp = cp << 6 | (cont & 0x3f);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += n + 1;
  }
  return true;
}

void check_text(const std::string& text) {
  const auto ids = tok().encode(text);
  const std::string back = tok().decode(ids);
  FUZZ_CHECK(valid_utf8(back));
  FUZZ_CHECK(tok().encode(back) == ids);
}

void check_ids(const uint8_t* data, size_t size) {
  std::vector<int32_t> ids;
  for (size_t i = 0; i + 4 <= size && ids.size() < 4096; i += 4) {
    int32_t v;
    std::memcpy(&v, data + i, 4);
    if ((ids.size() & 1) == 0) v = int32_t(uint32_t(v) % (tok().vocab_size() + 16));
    ids.push_back(v);
  }
  for (const bool skip : {false, true}) {
    const std::string whole = tok().decode(ids, skip);
    FUZZ_CHECK(valid_utf8(whole));
    vlserve::model::stream_decoder stream(tok(), skip);
    std::string streamed;
    for (const int32_t id : ids) {
      const std::string piece = stream.push(id);
      FUZZ_CHECK(valid_utf8(piece));
      FUZZ_CHECK(stream.pending_bytes() <= 3);
      streamed += piece;
    }
    streamed += stream.flush();
    FUZZ_CHECK(streamed == whole);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tok();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  if (data[0] & 1)
    check_ids(data + 1, size - 1);
  else
    check_text(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  return 0;
}
