#include "bench/mask_bench.hpp"

#include <algorithm>
#include <chrono>
#include <random>

#include "bench/median.hpp"
#include "model/grammar/schema_compiler.hpp"
#include "model/grammar/token_masker.hpp"

namespace vlserve::bench {
namespace {

constexpr const char* bench_schema =
    R"({"type":"object","properties":{"name":{"type":"string"},"kind":{"enum":["cat","dog","bird"]},)"
    R"("age":{"type":"integer","minimum":0,"maximum":30},"tags":{"type":"array","items":{"type":"boolean"},)"
    R"("maxItems":4},"owner":{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]}},)"
    R"("required":["name","kind","age","tags","owner"],"additionalProperties":false})";

using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

}  // namespace

mask_bench_result bench_mask_cost(const model::tokenizer& tok, std::size_t logits_size, int walks) {
  mask_bench_result r;
  auto t0 = clock_type::now();
  const model::grammar::vocab_index vocab(tok);
  r.trie_build_ms = ms_since(t0);
  const auto g = std::make_shared<const model::grammar::grammar>(model::grammar::compile_schema(bench_schema));
  const std::int32_t eos[] = {-1};  // never picked: walks end when the value is complete
  model::grammar::token_masker masker;
  model::token_mask mask;
  std::vector<double> times;
  std::vector<std::int32_t> allowed;
  std::mt19937_64 rng(12);
  for (int w = 0; w < walks; ++w) {
    model::grammar::json_matcher m(g);
    for (int step = 0; step < 256 && !m.can_end(); ++step) {
      t0 = clock_type::now();
      masker.fill(m, vocab, eos, logits_size, mask);
      times.push_back(ms_since(t0));
      allowed.clear();
      for (std::size_t id = 0; id < logits_size; ++id)
        if (mask.allows(std::int32_t(id))) allowed.push_back(std::int32_t(id));
      if (allowed.empty()) break;
      m.advance(tok.token_bytes(allowed[rng() % allowed.size()]));
    }
  }
  r.steps = int(times.size());
  if (times.empty()) return r;
  r.median_ms = median(times);
  std::sort(times.begin(), times.end());
  r.p90_ms = times[times.size() * 9 / 10];
  return r;
}

}  // namespace vlserve::bench
