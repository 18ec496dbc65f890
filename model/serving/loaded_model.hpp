// One checkpoint made ready to serve: the engine, its tokenizer, and what prompt building needs
// from it (generation config, context bound, vocabulary size, the vision tower and processor).
// The model worker (through its loader) and `vlserve generate` both start here, so the two
// cannot drift apart.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "model/serving/prompt_builder.hpp"
#include "model/text/engine.hpp"
#include "model/tokenizer/tokenizer.hpp"

namespace vlserve::model {

struct model_load_options {
  engine_options engine;
  int64_t vision_cache_bytes = 0;  // VISION_CACHE_BYTES; 0 = no vision feature cache
  std::string vision_dtype = "auto";  // VISION_DTYPE (resolve_vision_dtype)
};

struct loaded_model {
  std::unique_ptr<text_engine> engine;
  tokenizer tok;
  // The model's part of the defaults is set (generation, max_context, vocab_size, tower,
  // processor, vision_cache); the serving settings (max_tokens, temperature, budgets, media
  // policy) are the caller's.
  prompt_defaults defaults;
  std::string fingerprint;  // model_fingerprint(dir): cluster peers compare it
};

// Loads `dir` (config.json, *.safetensors, tokenizer.json, preprocessor configs). Throws what the
// checkpoint, tokenizer or tower loaders throw, naming the file.
loaded_model load_model(const std::string& dir, const model_load_options& options);

}  // namespace vlserve::model
