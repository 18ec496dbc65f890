// How many bytes of weights one decode token reads: every text-decoder weight except the embedding
// table (a decode token gathers one row of it) plus the LM head (tied checkpoints reuse the
// embedding matrix, read in full once per token). Vision weights are not used by decode. Under
// WEIGHT_QUANT=int8|fp8 the projections and the LM head are read as int8 plus one float32 scale
// per 128 weights; FP8 checkpoints' *_scale_inv tensors are not read by decode (not counted).
#pragma once

#include <cstdint>
#include <string>

namespace vlserve::bench {

struct weight_traffic {
  int64_t non_embedding_params = 0;  // model.language_model.* minus embed_tokens
  int64_t lm_head_params = 0;        // lm_head.weight, or embed_tokens when tied
  int64_t element_bytes = 0;         // of the engine's compute dtype
  int64_t quantized_params = 0;      // held as int8: every *_proj.weight and the LM head; 0 = none
  int64_t bytes_per_decode_token() const {
    const int64_t plain = non_embedding_params + lm_head_params - quantized_params;
    return plain * element_bytes + quantized_params + quantized_params / 32;
  }
  // FLOPs per prompt token when logits are computed for the last prompt token only.
  double prefill_flops_per_token() const { return 2.0 * double(non_embedding_params); }
};

// Reads the checkpoint header in `model_dir`; `dtype` is the engine's dtype name ("bfloat16",
// "float16", "float32"); `quantized`: the engine runs with WEIGHT_QUANT int8 or fp8. Throws
// checkpoint_error (bad checkpoint) or std::invalid_argument.
weight_traffic decode_weight_traffic(const std::string& model_dir, const std::string& dtype,
                                     bool quantized = false);

}  // namespace vlserve::bench
