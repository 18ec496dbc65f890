// Checkpoints derived for tests: an untied copy of the tiny fixture, and small random-weight
// decoders with configurable shapes (other head counts, head_dim, theta, eps, biases).
#pragma once

#include <cstdint>
#include <string>

namespace vlserve::testing {

// Copies the fixture's text tensors into `dir`, adds lm_head.weight = head_scale x embed_tokens
// and writes a config.json with tie_word_embeddings = false.
void write_untied_fixture_copy(const std::string& dir, float head_scale);

struct random_text_shape {
  int64_t hidden = 48;
  int64_t layers = 2;
  int64_t heads = 6;
  int64_t kv_heads = 2;
  int64_t head_dim = 16;
  int64_t intermediate = 80;
  int64_t vocab = 320;
  double eps = 1e-5;
  double theta = 10000;
  bool bias = true;
  std::string mrope_section = "[4, 2, 2]";
  uint32_t seed = 7;
};

// config.json + model.safetensors (bf16, untied head) with normal(0, 0.2) weights.
void write_random_text_checkpoint(const std::string& dir, const random_text_shape& s);

}  // namespace vlserve::testing
