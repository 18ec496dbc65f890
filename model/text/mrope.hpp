// Interleaved multimodal RoPE tables (spec §4; stream layout in mrope_layout.hpp).
// Model-internal (ATen).
#pragma once

#include <ATen/ATen.h>

#include <vector>

namespace vlserve::model {

class mrope {
 public:
  mrope(int64_t head_dim, double theta, const std::vector<int64_t>& section);

  struct tables {
    at::Tensor cos, sin;  // [N, 1, head_dim], in the activation dtype, broadcast over heads
  };
  // positions: int64 [3, N] (rows t, h, w). Angles in float32, cast to `dtype` afterwards.
  tables make_tables(const at::Tensor& positions, at::ScalarType dtype) const;

 private:
  at::Tensor inv_freq_;  // float32 [head_dim/2], CPU
  at::Tensor stream_;    // int64 [head_dim/2]: 0 = t, 1 = h, 2 = w
};

// x: [N, heads, head_dim]; rotate-half ("NeoX") convention, in x's dtype.
at::Tensor apply_rope(const at::Tensor& x, const mrope::tables& t);

}  // namespace vlserve::model
