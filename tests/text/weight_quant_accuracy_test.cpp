// WEIGHT_QUANT=int8 on the tiny fixture against the float32 references (HF's last-4 prompt logits
// and greedy tokens, and the float32 engine at every prompt position).
//
// Top-1 agreement is measured and printed but not held to 0.95: this fixture is built to amplify
// rounding (its logits reach ±80 and float32 rounding alone moves them by 4e-3), so a small
// per-weight error grows into logit errors of several units and flips most close calls. Measured
// on the AMD EPYC (AVX2): the shipped bf16 path agrees with float32 at 30/43 and 56/84 positions
// (0.70, 0.67), int8 at 0.47-0.60 and 0.43-0.50; on positions where float32's top-1 leads by
// >= 8 logits every mode agrees. What the test holds instead is the logit error, see below.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "model/text/engine.hpp"
#include "tests/text/text_case.hpp"

namespace vlserve::model {
namespace {

using testing::text_case;
constexpr int64_t k_vocab = 151936;

struct run_logits {
  std::vector<float> prompt;  // [T, vocab]: logits of every prompt position
  std::vector<float> steps;   // [steps - 1, vocab]: decode logits with HF's tokens fed back
};

// The prompt with logits at every position, then HF's greedy tokens fed one by one (teacher
// forcing), so every row has a float32 reference.
run_logits run_case(const text_case& c, const std::string& quant, const std::string& dtype) {
  engine_options o;
  o.dtype = dtype;
  o.weight_quant = quant;
  text_engine engine(testing::tiny_model_dir(), o);
  const int64_t n = int64_t(c.input_ids.size());
  const sequence_id seq = engine.create_sequence(c.rope_delta);
  run_logits r;
  r.prompt = engine.step({{seq, c.input_ids, c.position_ids, n, nullptr}}).at(0).values;
  for (size_t s = 0; s + 1 < c.generated_ids.size(); ++s) {
    const auto v = engine.step({{seq, {c.generated_ids[s]}, {}, 1, nullptr}}).at(0).values;
    r.steps.insert(r.steps.end(), v.begin(), v.end());
  }
  return r;
}

struct accuracy {
  int positions = 0, agree = 0;
  double relative_error = 0;  // mean |logit - HF| / mean |HF logit| over the last 4 prompt rows
};

accuracy measure(const text_case& c, const run_logits& got, const run_logits& float32) {
  const int64_t n = int64_t(c.input_ids.size());
  accuracy a;
  auto add = [&](bool same) { ++a.positions, a.agree += same ? 1 : 0; };
  for (int64_t p = 0; p < n; ++p) {
    add(testing::argmax_row(got.prompt, k_vocab, p) == testing::argmax_row(float32.prompt, k_vocab, p));
  }
  for (size_t s = 0; s + 1 < c.generated_ids.size(); ++s) {
    add(testing::argmax_row(got.steps, k_vocab, int64_t(s)) == c.generated_ids[s + 1]);
  }
  double err = 0, mag = 0;
  const float* last4 = got.prompt.data() + (n - 4) * k_vocab;
  for (size_t i = 0; i < c.logits_last4.size(); ++i) {
    err += std::fabs(last4[i] - c.logits_last4[i]);
    mag += std::fabs(c.logits_last4[i]);
  }
  a.relative_error = err / mag;
  return a;
}

class WeightQuantAccuracy : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(WeightQuantAccuracy, LogitsStayWithinTheInt8ErrorBudget) {
  const auto& [case_name, dtype] = GetParam();
  const text_case c = testing::load_text_case(case_name);
  const run_logits float32 = run_case(c, "none", "float32");
  const accuracy q = measure(c, run_case(c, "int8", dtype), float32);
  const accuracy b = measure(c, run_case(c, "none", "bfloat16"), float32);
  std::printf("%s, %s activations: int8 top-1 agreement %d/%d = %.2f, logit error %.3f | "
              "bf16 weights: %d/%d = %.2f, logit error %.3f\n",
              case_name.c_str(), dtype.c_str(), q.agree, q.positions, double(q.agree) / q.positions,
              q.relative_error, b.agree, b.positions, double(b.agree) / b.positions, b.relative_error);
  // Tolerance on mean |error| / mean |logit| against HF: 0.5. Why: int8 with a scale per 128
  // weights rounds each weight by up to 1/254 of its group's maximum, about 5x bf16's 2^-9
  // relative rounding for Gaussian weights, and the per-group int8 activations about double that
  // (measured: 0.08 -> 0.17 on text_single). bf16 lands at 0.056 and 0.21 here and int8 at
  // 0.17-0.43 (2-3x bf16, the smaller factor because errors partly cancel over 64-128 inputs);
  // 0.5 leaves room for the other CPU's float order. A wrong scale, layout or transposition
  // gives unrelated logits: ~1.4.
  EXPECT_LT(q.relative_error, 0.5);
  // Loose but not vacuous: unrelated logits agree at ~0 positions.
  EXPECT_GE(double(q.agree) / q.positions, 0.3);
}

INSTANTIATE_TEST_SUITE_P(Cases, WeightQuantAccuracy,
                         ::testing::Combine(::testing::Values("text_single", "text_multiturn"),
                                            ::testing::Values("float32", "bfloat16")));

}  // namespace
}  // namespace vlserve::model
