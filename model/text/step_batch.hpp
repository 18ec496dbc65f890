// Turning a list of sequence_chunks into one packed forward: validation, the [N] token ids, the
// [3, N] positions, per-sequence spans, vision hooks, and which rows need logits. Model-internal.
#pragma once

#include <ATen/ATen.h>

#include <vector>

#include "model/text/engine.hpp"
#include "model/text/kv_cache.hpp"
#include "model/text/text_decoder.hpp"

namespace vlserve::model {

struct sequence_state {
  sequence_state(const kv_shape& shape, const at::TensorOptions& options, int64_t delta)
      : cache(shape, options), rope_delta(delta) {}
  kv_cache cache;
  int64_t rope_delta = 0;
};

struct step_batch {
  at::Tensor hidden;     // [N, hidden] input embeddings (vision rows already replaced)
  at::Tensor positions;  // int64 [3, N]
  std::vector<batch_span> spans;
  std::vector<layer_addition> additions;  // DeepStack, per decoder layer
  at::Tensor logit_rows;                  // int64 [R] rows of the packed batch needing logits
};

// Throws sequence_rejected naming the first bad sequence; touches nothing.
void validate_step(const std::vector<sequence_chunk>& chunks,
                   const std::vector<sequence_state*>& states, const text_config& cfg,
                   int64_t max_context);
// Reserves cache room and assembles the batch (on the decoder's device and dtype).
step_batch build_step_batch(const std::vector<sequence_chunk>& chunks,
                            const std::vector<sequence_state*>& states, const text_decoder& decoder);
// logits: float32 CPU [R, vocab] in logit_rows order -> one entry per chunk with logits_last > 0.
std::vector<chunk_logits> split_logits(const std::vector<sequence_chunk>& chunks,
                                       const at::Tensor& logits);

}  // namespace vlserve::model
