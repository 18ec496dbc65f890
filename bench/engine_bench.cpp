#include "bench/engine_bench.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <stdexcept>
#include <string>

#include "bench/median.hpp"

namespace vlserve::bench {
namespace {

using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

void check(const engine_bench_options& o) {
  if (o.prompt_tokens < 1 || o.decode_tokens < 1 || o.decode_context < 1 || o.prefill_chunk < 0)
    throw std::invalid_argument("bench: --prompt, --decode and the decode context must be >= 1");
  if (o.repeat < 1 || o.repeat > 1000) throw std::invalid_argument("bench: --repeat must be 1..1000");
}

std::vector<int64_t> random_tokens(std::mt19937_64& rng, int64_t n, int64_t vocab) {
  std::uniform_int_distribution<int64_t> pick(0, vocab - 1);
  std::vector<int64_t> out(size_t(n), 0);
  for (auto& t : out) t = pick(rng);
  return out;
}

// Frees the bench's sequences however the measurement ends, so a failed run leaves no cache behind.
struct sequence_set {
  model::text_engine& engine;
  std::vector<model::sequence_id> ids;
  ~sequence_set() {
    for (model::sequence_id s : ids) engine.free_sequence(s);
  }
};

}  // namespace

prefill_result bench_prefill(model::text_engine& engine, const engine_bench_options& options) {
  check(options);
  std::mt19937_64 rng(options.seed);
  std::vector<double> ms;
  // One untimed run first: oneDNN creates its kernels for a new shape on first use.
  const int64_t n = options.prompt_tokens;
  const int64_t per_step = options.prefill_chunk > 0 ? options.prefill_chunk : n;
  for (int r = 0; r <= options.repeat; ++r) {
    sequence_set seqs{engine, {engine.create_sequence()}};
    const std::vector<int64_t> prompt = random_tokens(rng, n, engine.vocab_size());
    const auto t0 = clock_type::now();
    // As the server reads a prompt: chunks of PREFILL_CHUNK tokens, logits after the last one.
    for (int64_t start = 0; start < n; start += per_step) {
      model::sequence_chunk chunk;
      chunk.seq = seqs.ids[0];
      const int64_t len = std::min(per_step, n - start);
      chunk.tokens.assign(prompt.begin() + start, prompt.begin() + start + len);
      chunk.logits_last = start + len == n ? 1 : 0;
      engine.step({chunk});
    }
    if (r > 0) ms.push_back(ms_since(t0));
  }
  prefill_result out;
  out.prompt_tokens = n;
  out.median_ms = median(ms);
  out.tokens_per_s = double(options.prompt_tokens) / (out.median_ms / 1000.0);
  return out;
}

decode_result bench_decode(model::text_engine& engine, int64_t batch, const engine_bench_options& options) {
  check(options);
  if (batch < 1 || batch > 256) throw std::invalid_argument("bench: batch sizes must be 1..256");
  std::mt19937_64 rng(options.seed + uint64_t(batch));
  std::vector<double> step_ms, rates;
  for (int r = 0; r < options.repeat; ++r) {
    sequence_set seqs{engine, {}};
    // Contexts are filled one sequence per step, so a short context stays a few-row product (the
    // decode kernel's shape) instead of one batch * context row GEMM.
    for (int64_t b = 0; b < batch; ++b) {
      seqs.ids.push_back(engine.create_sequence());
      engine.step({{seqs.ids.back(), random_tokens(rng, options.decode_context, engine.vocab_size()),
                    {}, 1, nullptr}});
    }
    double total_ms = 0;
    // Step 0 is a warm-up (first decode shape of this batch size); steps 1..decode_tokens are timed.
    for (int64_t s = 0; s <= options.decode_tokens; ++s) {
      std::vector<model::sequence_chunk> chunks;
      for (model::sequence_id id : seqs.ids)
        chunks.push_back({id, random_tokens(rng, 1, engine.vocab_size()), {}, 1, nullptr});
      const auto t0 = clock_type::now();
      engine.step(chunks);
      if (s == 0) continue;
      step_ms.push_back(ms_since(t0));
      total_ms += step_ms.back();
    }
    rates.push_back(double(batch * options.decode_tokens) / (total_ms / 1000.0));
  }
  decode_result out;
  out.batch = batch;
  out.step_ms = median(step_ms);
  out.tokens_per_s = median(rates);
  out.per_sequence_tokens_per_s = out.tokens_per_s / double(batch);
  return out;
}

}  // namespace vlserve::bench
