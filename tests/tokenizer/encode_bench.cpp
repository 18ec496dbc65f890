// Measures tokenizer load time and encode throughput on a ~1 MB mixed-script text built from the
// golden cases. Prints numbers; run with `meson test -C <build> --benchmark tokenizer_encode`.
#include <chrono>
#include <cstdio>
#include <string>

#include "tests/tokenizer/tokenizer_fixture.hpp"

using vlserve::model::tokenizer;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main() {
  auto start = std::chrono::steady_clock::now();
  const tokenizer tok = tokenizer::load(vlserve::testing::tokenizer_json_path());
  std::printf("load: %.3f s\n", seconds_since(start));

  const auto doc = vlserve::testing::read_json_fixture("tokenizer/cases.json");
  std::string sample;
  for (const auto& c : doc["cases"].GetArray()) sample.append(c["text"].GetString()).append("\n");
  std::string text;
  // Numbered paragraphs so that not every piece is a cache hit.
  for (int i = 0; text.size() < (1u << 20); ++i) text += "Paragraph " + std::to_string(i * 7919) + ": " + sample;

  for (int pass = 1; pass <= 2; ++pass) {
    start = std::chrono::steady_clock::now();
    const std::size_t n = tok.encode(text).size();
    const double s = seconds_since(start);
    std::printf("encode pass %d: %zu bytes -> %zu tokens in %.3f s (%.1f MB/s, %.0f tokens/s)\n", pass, text.size(), n, s,
                text.size() / s / 1e6, n / s);
  }
  start = std::chrono::steady_clock::now();
  const std::string prose = std::string("The quick brown fox jumps over the lazy dog. ") + "1234567890 ";
  std::string english;
  while (english.size() < (1u << 20)) english += prose;
  const std::size_t n = tok.encode(english).size();
  const double s = seconds_since(start);
  std::printf("encode english: %zu bytes -> %zu tokens in %.3f s (%.1f MB/s)\n", english.size(), n, s, english.size() / s / 1e6);
  return 0;
}
