// Weights of a block-wise FP8 checkpoint (config.json quantization_config.quant_method = "fp8",
// as Qwen publishes Qwen3-VL-*-FP8): `X.weight` holds float8_e4m3fn values and
// `X.weight_scale_inv` [ceil(out / 128), ceil(in / 128)] float32 holds, despite its name, the
// factor each 128 x 128 block is multiplied by: W = fp8 * weight_scale_inv (transformers'
// finegrained_fp8 dequantisation and vLLM's block-FP8 path both multiply). Model-internal (ATen).
#pragma once

#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "model/checkpoint/checkpoint.hpp"
#include "model/checkpoint/model_config.hpp"

namespace vlserve::model {

// Takes `name` from `claims`. An F8_E4M3 tensor (which needs quantization_config.quant_method fp8
// and a [ceil(rows/b0), ceil(cols/b1)] `name`_scale_inv, also taken) is dequantized in float32
// and converted to `options`; any other dtype is returned as tensor_from_view(view, `options`).
// Throws checkpoint_error on a missing or mis-shaped scale, or FP8 without the config.
at::Tensor take_weight(tensor_claims& claims, const std::string& name,
                       const std::vector<int64_t>& shape, const quantization_config& q,
                       const at::TensorOptions& options);

// Whether the checkpoint stores `name` as FP8.
bool stored_as_fp8(const checkpoint& ckpt, const std::string& name);

// fp8 [rows, cols] bytes times the block scales, as float32 [rows, cols] (tests use it directly).
at::Tensor dequantize_fp8_blocks(const uint8_t* fp8, int64_t rows, int64_t cols, const at::Tensor& scale_inv,
                                 const std::vector<int64_t>& block);

}  // namespace vlserve::model
