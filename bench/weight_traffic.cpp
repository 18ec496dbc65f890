#include "bench/weight_traffic.hpp"

#include <stdexcept>

#include "model/checkpoint/checkpoint.hpp"

namespace vlserve::bench {
namespace {

int64_t element_bytes(const std::string& dtype) {
  if (dtype == "float32") return 4;
  if (dtype == "bfloat16" || dtype == "float16") return 2;
  throw std::invalid_argument("weight traffic: unknown dtype '" + dtype + "'");
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

weight_traffic decode_weight_traffic(const std::string& model_dir, const std::string& dtype,
                                     bool quantized) {
  const std::string prefix = "model.language_model.";
  const std::string embed = prefix + "embed_tokens.weight";
  const model::checkpoint ckpt(model_dir);
  weight_traffic t;
  t.element_bytes = element_bytes(dtype);
  for (const std::string& name : ckpt.names()) {
    if (name.rfind(prefix, 0) != 0 || name == embed || ends_with(name, "_scale_inv")) continue;
    const int64_t n = ckpt.get(name).numel();
    t.non_embedding_params += n;
    if (quantized && ends_with(name, "_proj.weight")) t.quantized_params += n;
  }
  t.lm_head_params = ckpt.get(ckpt.contains("lm_head.weight") ? "lm_head.weight" : embed).numel();
  if (quantized) t.quantized_params += t.lm_head_params;
  return t;
}

}  // namespace vlserve::bench
