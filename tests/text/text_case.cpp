#include "tests/text/text_case.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "model/checkpoint/checkpoint.hpp"
#include "tests/support/child_process.hpp"

namespace vlserve::testing {
std::string tiny_model_dir() { return fixtures_dir() + "/qwen3vl-tiny/model"; }

std::string test_device() {
  const char* d = std::getenv("VLSERVE_TEST_DEVICE");
  return d && *d ? d : "cpu";
}

text_case load_text_case(const std::string& name) {
  const model::checkpoint ckpt(fixtures_dir() + "/qwen3vl-tiny/cases/" + name + ".safetensors");
  using model::st_dtype;
  text_case c;
  c.input_ids = read_as<int64_t>(ckpt, "input_ids", st_dtype::i64);
  c.position_ids = read_as<int64_t>(ckpt, "position_ids", st_dtype::i64);
  c.rope_delta = read_as<int64_t>(ckpt, "rope_deltas", st_dtype::i64).at(0);
  c.logits_last4 = read_as<float>(ckpt, "logits_last4", st_dtype::f32);
  c.generated_ids = read_as<int64_t>(ckpt, "generated_ids", st_dtype::i64);
  c.top5_ids = read_as<int64_t>(ckpt, "gen_step_top5_ids", st_dtype::i64);
  c.top5_logits = read_as<float>(ckpt, "gen_step_top5_logits", st_dtype::f32);
  return c;
}

int64_t argmax_row(const std::vector<float>& values, int64_t vocab, int64_t row) {
  const float* p = values.data() + row * vocab;
  int64_t best = 0;
  for (int64_t i = 1; i < vocab; ++i) {
    if (p[i] > p[best]) best = i;
  }
  return best;
}

float max_abs_diff(const float* a, const float* b, size_t n) {
  float m = 0;
  for (size_t i = 0; i < n; ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

}  // namespace vlserve::testing
