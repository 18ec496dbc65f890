// A short fingerprint of the model in a Hugging Face directory, so cluster nodes can tell whether
// they serve the same model before one sends the other token ids: FNV-1a over config.json,
// tokenizer.json and the first MiB of every *.safetensors file (header and leading weights; the
// same shapes with other weights, e.g. Instruct vs Thinking, differ there). Torch-free.
#pragma once

#include <string>

namespace vlserve::model {

// 16 hex digits. Throws std::runtime_error when config.json or tokenizer.json cannot be read.
std::string model_fingerprint(const std::string& model_dir);

}  // namespace vlserve::model
