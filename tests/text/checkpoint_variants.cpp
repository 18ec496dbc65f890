#include "tests/text/checkpoint_variants.hpp"

#include <cstring>
#include <random>
#include <vector>

#include "model/checkpoint/checkpoint.hpp"
#include "model/checkpoint/safetensors_writer.hpp"
#include "tests/checkpoint/temp_dir.hpp"
#include "tests/text/text_case.hpp"

namespace vlserve::testing {
namespace {

using model::st_dtype;

uint16_t to_bf16(float f) {  // truncation is exact for the values written here
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return uint16_t(bits >> 16);
}

float from_bf16(uint16_t h) {
  const uint32_t bits = uint32_t(h) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
    s.replace(p, from.size(), to);
  }
  return s;
}

}  // namespace

void write_untied_fixture_copy(const std::string& dir, float head_scale) {
  const model::checkpoint src(tiny_model_dir());
  model::safetensors_writer w;
  for (const auto& name : src.names()) {
    if (name.rfind("model.language_model.", 0) != 0) continue;
    const model::tensor_view v = src.get(name);
    w.add(name, v.dtype, v.shape, v.data, v.nbytes);
  }
  const model::tensor_view e = src.get("model.language_model.embed_tokens.weight");
  std::vector<uint16_t> head(e.nbytes / 2);
  std::memcpy(head.data(), e.data, e.nbytes);
  for (auto& h : head) h = to_bf16(from_bf16(h) * head_scale);
  w.add("lm_head.weight", st_dtype::bf16, e.shape, head.data(), e.nbytes);
  w.write(dir + "/model.safetensors");
  const std::string cfg = read_bytes(tiny_model_dir() + "/config.json");
  write_bytes(dir + "/config.json", replace_all(cfg, "\"tie_word_embeddings\": true",
                                                "\"tie_word_embeddings\": false"));
}

void write_random_text_checkpoint(const std::string& dir, const random_text_shape& s) {
  std::mt19937 rng(s.seed);
  std::normal_distribution<float> normal(0.f, 0.2f);
  model::safetensors_writer w;
  auto add = [&](const std::string& name, std::vector<int64_t> shape, float base) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    std::vector<uint16_t> v(static_cast<size_t>(n), 0);
    for (auto& x : v) x = to_bf16(base + normal(rng));
    w.add(name, st_dtype::bf16, shape, v.data(), v.size() * 2);
  };
  const std::string p = "model.language_model.";
  const int64_t q = s.heads * s.head_dim, kv = s.kv_heads * s.head_dim;
  add(p + "embed_tokens.weight", {s.vocab, s.hidden}, 0.f);
  add(p + "norm.weight", {s.hidden}, 1.f);
  add("lm_head.weight", {s.vocab, s.hidden}, 0.f);
  for (int64_t i = 0; i < s.layers; ++i) {
    const std::string l = p + "layers." + std::to_string(i) + ".";
    add(l + "input_layernorm.weight", {s.hidden}, 1.f);
    add(l + "post_attention_layernorm.weight", {s.hidden}, 1.f);
    const std::pair<const char*, std::vector<int64_t>> projs[] = {
        {"q_proj", {q, s.hidden}}, {"k_proj", {kv, s.hidden}},
        {"v_proj", {kv, s.hidden}}, {"o_proj", {s.hidden, q}}};
    for (const auto& [name, shape] : projs) {
      add(l + "self_attn." + name + ".weight", shape, 0.f);
      if (s.bias) add(l + "self_attn." + name + ".bias", {shape[0]}, 0.f);
    }
    add(l + "self_attn.q_norm.weight", {s.head_dim}, 1.f);
    add(l + "self_attn.k_norm.weight", {s.head_dim}, 1.f);
    add(l + "mlp.gate_proj.weight", {s.intermediate, s.hidden}, 0.f);
    add(l + "mlp.up_proj.weight", {s.intermediate, s.hidden}, 0.f);
    add(l + "mlp.down_proj.weight", {s.hidden, s.intermediate}, 0.f);
  }
  w.write(dir + "/model.safetensors");
  const std::string cfg =
      R"({"model_type": "qwen3_vl", "tie_word_embeddings": false, "text_config": {)"
      R"("hidden_size": )" + std::to_string(s.hidden) +
      R"(, "num_hidden_layers": )" + std::to_string(s.layers) +
      R"(, "num_attention_heads": )" + std::to_string(s.heads) +
      R"(, "num_key_value_heads": )" + std::to_string(s.kv_heads) +
      R"(, "head_dim": )" + std::to_string(s.head_dim) +
      R"(, "intermediate_size": )" + std::to_string(s.intermediate) +
      R"(, "vocab_size": )" + std::to_string(s.vocab) +
      R"(, "rms_norm_eps": )" + std::to_string(s.eps) +
      R"(, "rope_theta": )" + std::to_string(s.theta) +
      R"(, "attention_bias": )" + (s.bias ? "true" : "false") +
      R"(, "tie_word_embeddings": false, "eos_token_id": 2)" +
      R"(, "rope_scaling": {"rope_type": "default", "mrope_section": )" + s.mrope_section + "}}}";
  write_bytes(dir + "/config.json", cfg);
}

}  // namespace vlserve::testing
