// One linear layer of the text decoder (x Wᵀ + b) and where its product runs: the compute-dtype
// weight through dense(), or the int8 weight (WEIGHT_QUANT=int8|fp8) through int8_linear.
// Model-internal (ATen).
#pragma once

#include <ATen/ATen.h>

#include "model/text/kernels/int8_linear.hpp"
#include "model/text/torch_util.hpp"

namespace vlserve::model {

struct linear_weights {
  at::Tensor weight;          // [out, in] in the compute dtype; undefined when int8 holds it
  at::Tensor bias;            // undefined when the config has no bias
  kernels::int8_weight int8;  // defined under WEIGHT_QUANT=int8|fp8
};

// x [rows, in] -> [rows, out] in x's dtype.
at::Tensor apply_linear(const at::Tensor& x, const linear_weights& w, compute_mode mode);

}  // namespace vlserve::model
