#include "model/text/mrope.hpp"

#include "model/text/mrope_layout.hpp"

namespace vlserve::model {

mrope::mrope(int64_t head_dim, double theta, const std::vector<int64_t>& section) {
  // Same op sequence as the reference (int arange -> float / dim -> pow -> reciprocal), all in
  // float32, so the frequencies match bit for bit.
  const at::Tensor exps =
      at::arange(0, head_dim, 2, at::TensorOptions().dtype(at::kLong)).to(at::kFloat) /
      double(head_dim);
  inv_freq_ = at::reciprocal(at::pow(at::Scalar(theta), exps));

  stream_ = at::tensor(mrope_streams(head_dim, section), at::TensorOptions().dtype(at::kLong));
}

mrope::tables mrope::make_tables(const at::Tensor& positions, at::ScalarType dtype) const {
  const at::Device dev = positions.device();
  const at::Tensor inv = inv_freq_.to(dev);
  const at::Tensor pos = positions.to(at::kFloat);                    // [3, N]
  const at::Tensor chosen = pos.index_select(0, stream_.to(dev)).t();  // [N, half]
  const at::Tensor angle = chosen * inv.unsqueeze(0);                  // [N, half]
  const at::Tensor emb = at::cat({angle, angle}, -1).unsqueeze(1);     // [N, 1, head_dim]
  return {emb.cos().to(dtype), emb.sin().to(dtype)};
}

at::Tensor apply_rope(const at::Tensor& x, const mrope::tables& t) {
  const int64_t half = x.size(-1) / 2;
  const at::Tensor x1 = x.narrow(-1, 0, half);
  const at::Tensor x2 = x.narrow(-1, half, half);
  const at::Tensor rotated = at::cat({-x2, x1}, -1);
  return x * t.cos + rotated * t.sin;
}

}  // namespace vlserve::model
