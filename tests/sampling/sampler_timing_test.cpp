// Times (does not assert) one sampling call on a Qwen3-VL-sized vocabulary of 151936 logits.
// The figures go to stdout and to the gtest XML as properties. Thread CPU time is reported next to
// wall time because the build machine is shared and wall time swings with its load.
#include <gtest/gtest.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <vector>

#include "model/sampling/sampler.hpp"

using namespace vlserve::model;

namespace {

constexpr std::size_t vocab = 151936;

// Roughly normal logits (sum of four uniforms) with a few clear leaders, like a decode step.
std::vector<float> model_like_logits() {
  rng_state rng(2024);
  std::vector<float> v(vocab);
  for (float& x : v) {
    double s = 0.0;
    for (int i = 0; i < 4; ++i) s += rng.next_unit();
    x = static_cast<float>((s - 2.0) * 3.0);
  }
  for (std::size_t i = 0; i < 5; ++i) v[i * 7919] = 18.0f - static_cast<float>(i);
  return v;
}

double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

struct timing {
  double wall_us;
  double cpu_us;
};

timing median_microseconds(const std::vector<float>& logits, const sampling_params& p, const token_history& h) {
  rng_state rng(1);
  sampler_workspace ws;
  std::vector<double> wall, cpu;
  std::int64_t checksum = 0;
  for (int i = 0; i < 21; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = thread_cpu_us();
    checksum += sample_token(logits, p, h, rng, ws).token;
    cpu.push_back(thread_cpu_us() - cpu_start);
    wall.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
  }
  EXPECT_GE(checksum, 0);
  std::nth_element(wall.begin(), wall.begin() + 10, wall.end());
  std::nth_element(cpu.begin(), cpu.begin() + 10, cpu.end());
  return {wall[10], cpu[10]};
}

void report(const char* name, timing t) {
  std::cout << "[ timing   ] " << name << ": wall " << static_cast<long>(t.wall_us) << " us, cpu "
            << static_cast<long>(t.cpu_us) << " us (median of 21, vocab " << vocab << ")\n";
  ::testing::Test::RecordProperty(name, std::to_string(static_cast<long>(t.cpu_us)) + " us cpu");
}

}  // namespace

TEST(SamplerTiming, OneCallOnFullVocabulary) {
  const std::vector<float> logits = model_like_logits();
  std::vector<std::int32_t> prompt(1000), generated(200);
  for (std::size_t i = 0; i < prompt.size(); ++i) prompt[i] = static_cast<std::int32_t>((i * 131) % vocab);
  for (std::size_t i = 0; i < generated.size(); ++i) generated[i] = static_cast<std::int32_t>((i * 977) % vocab);

  sampling_params greedy;
  greedy.temperature = 0.0f;
  report("greedy", median_microseconds(logits, greedy, {}));

  report("top_k20_top_p0.95", median_microseconds(logits, thinking_defaults(), {}));

  sampling_params top_p_only = thinking_defaults();
  top_p_only.top_k = 0;
  report("top_p0.95_only", median_microseconds(logits, top_p_only, {}));

  sampling_params flat = thinking_defaults();
  flat.top_k = 0;
  flat.temperature = 5.0f;  // nearly flat: top_p needs a large share of the vocabulary
  report("top_p0.95_only_flat_T5", median_microseconds(logits, flat, {}));

  sampling_params full = thinking_defaults();
  full.repetition_penalty = 1.05f;
  full.presence_penalty = 0.5f;
  full.logprobs = true;
  full.top_logprobs = 20;
  report("top_k20_top_p0.95_penalties_top_logprobs20", median_microseconds(logits, full, {prompt, generated}));
}
