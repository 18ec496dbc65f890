// The framing screen in front of Pistache's parser (http/request_framing.cpp) over arbitrary bytes:
// the first input byte picks how the rest is cut into reads. Whatever the cuts, the screen must
// forward the same bytes and reach the same verdict as when it gets everything in one read; what
// it forwards is always the input's beginning, and what it holds back is at most one head.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "http/request_framing.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using vlserve::http::api_error;
using vlserve::http::framing_limits;
using vlserve::http::request_framing;

struct verdict {
  std::string forwarded;
  std::optional<api_error> refusal;
  bool forwarded_after_refusal = false;
};

verdict run(const std::string& bytes, size_t chunk, const framing_limits& limits) {
  // A value check like Pistache's header parsers: some values it cannot read.
  request_framing screen(limits, [](std::string_view, std::string_view value) -> std::optional<std::string> {
    if (value.find(";;") != std::string_view::npos) return std::string("cannot read it");
    return std::nullopt;
  });
  verdict v;
  for (size_t pos = 0; pos < bytes.size(); pos += chunk) {
    auto refusal = screen.feed(std::string_view(bytes).substr(pos, chunk), [&](std::string_view piece) {
      FUZZ_CHECK(!piece.empty());
      if (v.refusal) v.forwarded_after_refusal = true;
      v.forwarded.append(piece);
    });
    FUZZ_CHECK(!(refusal && v.refusal));  // refused once, then everything is dropped
    if (refusal) v.refusal = std::move(refusal);
  }
  FUZZ_CHECK(screen.refused() == v.refusal.has_value());
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = 1 + data[0] % 64;
  const std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (bytes.empty()) return 0;
  framing_limits limits;
  limits.max_head_bytes = 300;  // small, so the head limit is reached too
  limits.max_body_bytes = 100;

  const auto whole = run(bytes, bytes.size(), limits);
  const auto cut = run(bytes, chunk, limits);
  FUZZ_CHECK(!whole.forwarded_after_refusal && !cut.forwarded_after_refusal);
  FUZZ_CHECK(whole.forwarded == cut.forwarded);
  FUZZ_CHECK(whole.refusal.has_value() == cut.refusal.has_value());
  if (whole.refusal) {
    FUZZ_CHECK(whole.refusal->status == cut.refusal->status);
    FUZZ_CHECK(whole.refusal->message == cut.refusal->message);
    FUZZ_CHECK(!whole.refusal->message.empty());
    const int s = whole.refusal->status;
    FUZZ_CHECK(s == 400 || s == 411 || s == 413 || s == 431);
  }
  FUZZ_CHECK(bytes.compare(0, whole.forwarded.size(), whole.forwarded) == 0);
  // Not refused: all that is held back is the start of one head, within the limit.
  if (!whole.refusal) FUZZ_CHECK(bytes.size() - whole.forwarded.size() <= limits.max_head_bytes);
  return 0;
}
