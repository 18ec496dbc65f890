#include "model/text/linear_layer.hpp"

namespace vlserve::model {

at::Tensor apply_linear(const at::Tensor& x, const linear_weights& w, compute_mode mode) {
  if (w.int8.defined()) return kernels::int8_linear(x, w.int8, w.bias, mode.batch_invariant);
  return dense(x, w.weight, w.bias, mode);
}

}  // namespace vlserve::model
