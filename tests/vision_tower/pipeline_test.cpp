// The whole path in float32 for each multimodal fixture case: request → build_prompt (media,
// vision tower, M-RoPE) → batch_runner → text engine. The last-4 prompt logits and the greedy
// tokens must match the reference, with the prompt fed whole and in small chunks (which splits
// image blocks across chunks, so the engine must slice the injection per chunk).
#include <gtest/gtest.h>

#include "model/serving/batch_runner.hpp"
#include "tests/text/text_case.hpp"
#include "tests/vision_tower/mm_case.hpp"
#include "tests/vision_tower/prompt_support.hpp"

using namespace vlserve::model;
using namespace vlserve::testing;

namespace {

constexpr float k_logits_tolerance = 2e-2f;  // fixture README: SDPA vs eager alone differs by 4e-3

struct run_result {
  std::vector<float> prompt_logits;
  std::vector<int32_t> tokens;
};

run_result run(text_engine& engine, const mm_case& c, int64_t prefill_chunk) {
  built_prompt p = build_prompt(c.request, tiny_tokenizer(), tiny_prompt_defaults());
  p.input.settings.sampling.temperature = 0;
  p.input.settings.stop.max_tokens = int(c.generated_ids.size());
  p.input.prompt_logits = 4;
  runner_options ro;
  ro.prefill_chunk = prefill_chunk;
  batch_runner runner(engine, tiny_tokenizer(), ro);
  runner.submit(std::move(p.input));
  run_result out;
  for (int guard = 0; guard < 1000 && !runner.idle(); ++guard)
    for (auto& ev : runner.step()) {
      EXPECT_TRUE(ev.error.empty()) << ev.error;
      if (!ev.prompt_logits.empty()) out.prompt_logits = ev.prompt_logits;
      if (ev.delta.token >= 0) out.tokens.push_back(ev.delta.token);
    }
  return out;
}

void check(const mm_case& c, const run_result& r, const std::string& how) {
  ASSERT_EQ(r.prompt_logits.size(), c.logits_last4.size()) << how;
  EXPECT_LE(max_abs_diff(r.prompt_logits.data(), c.logits_last4.data(), r.prompt_logits.size()), k_logits_tolerance)
      << how;
  // Tokens must agree until a step whose top-1/top-2 gap is within twice the logits tolerance
  // (after it, a different but equally valid token may be chosen; no case has one in practice).
  for (size_t i = 0; i < c.generated_ids.size(); ++i) {
    ASSERT_LT(i, r.tokens.size()) << how;
    EXPECT_EQ(r.tokens[i], c.generated_ids[i]) << how << " step " << i;
    if (i < c.top1_top2_margins.size() && c.top1_top2_margins[i] < 2 * k_logits_tolerance) break;
  }
}

}  // namespace

TEST(MultimodalPipeline, LogitsAndGreedyTokensMatchTheReference) {
  engine_options eo;
  eo.dtype = "float32";
  text_engine engine(tiny_model_dir(), eo);
  for (const auto& name : mm_case_names()) {
    SCOPED_TRACE(name);
    const mm_case c = load_mm_case(name);
    check(c, run(engine, c, 512), "whole prompt");
    // 23-token chunks split every image block, and leave >= 4 tokens in each case's last chunk
    // (the runner keeps prompt logits of the final chunk only).
    check(c, run(engine, c, 23), "chunks of 23");
  }
}
