// Golden text cases from tests/fixtures/qwen3vl-tiny/cases/<name>.safetensors (HF transformers,
// float32, eager attention), read through the project's own safetensors reader.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/checkpoint/checkpoint.hpp"

namespace vlserve::testing {

struct text_case {
  std::vector<int64_t> input_ids;
  std::vector<int64_t> position_ids;  // 3 rows of T, row-major
  int64_t rope_delta = 0;
  std::vector<float> logits_last4;  // 4 x vocab
  std::vector<int64_t> generated_ids;
  std::vector<int64_t> top5_ids;  // steps x 5
  std::vector<float> top5_logits;
};

text_case load_text_case(const std::string& name);

// A fixture tensor's values, after checking it has the expected dtype (copied: the mapping may be
// unaligned for T).
template <typename T>
std::vector<T> read_as(const model::checkpoint& ckpt, const std::string& name, model::st_dtype dt) {
  const model::tensor_view v = ckpt.get(name);
  if (v.dtype != dt) throw std::runtime_error("fixture tensor " + name + " has an unexpected dtype");
  std::vector<T> out(v.nbytes / sizeof(T));
  std::memcpy(out.data(), v.data, v.nbytes);
  return out;
}
// VLSERVE_TEST_DEVICE (cpu by default): lets the golden tests run on a GPU machine too.
std::string test_device();
std::string tiny_model_dir();

// Index of the largest value in row `row` of a row-major [rows, vocab] buffer.
int64_t argmax_row(const std::vector<float>& values, int64_t vocab, int64_t row);
// max |a - b| over two equally long ranges.
float max_abs_diff(const float* a, const float* b, size_t n);

}  // namespace vlserve::testing
