// The Qwen3-VL text decoder (HF Qwen3VLTextModel + lm_head) over a packed batch of sequences.
// Model-internal (ATen); the engine is the torch-free face of it.
#pragma once

#include <ATen/ATen.h>

#include <vector>

#include "model/checkpoint/model_config.hpp"
#include "model/text/batch_span.hpp"
#include "model/text/mrope.hpp"
#include "model/text/text_weights.hpp"
#include "model/text/torch_util.hpp"

namespace vlserve::model {

// Features added to the residual stream after one decoder layer (DeepStack, spec §3.6):
// hidden[rows[i]] += features[i].
struct layer_addition {
  at::Tensor rows;      // int64 [M], packed-batch row indices
  at::Tensor features;  // [M, hidden]
};

class text_decoder {
 public:
  text_decoder(text_weights weights, text_config cfg, compute_mode mode);

  const text_config& config() const { return cfg_; }
  const mrope& rope() const { return rope_; }
  at::ScalarType dtype() const { return weights_.embed_tokens.scalar_type(); }
  at::Device device() const { return weights_.embed_tokens.device(); }

  // ids: int64 [N] on the decoder's device -> [N, hidden].
  at::Tensor embed(const at::Tensor& ids) const;
  // hidden: [N, hidden] input embeddings; positions int64 [3, N]; spans cover rows 0..N-1 in order.
  // additions[k] (if defined) is applied after layer k. Returns the last layer's output (pre-norm).
  // Appends K/V to each span's cache without committing.
  at::Tensor forward(at::Tensor hidden, const at::Tensor& positions,
                     const std::vector<batch_span>& spans,
                     const std::vector<layer_addition>& additions) const;
  // Final norm + lm_head for selected rows -> float32 logits [rows, vocab].
  at::Tensor logits(const at::Tensor& hidden_rows) const;

 private:
  text_weights weights_;
  text_config cfg_;
  mrope rope_;
  compute_mode mode_;
};

}  // namespace vlserve::model
