#include "model/text/kv_cache.hpp"

#include <stdexcept>
#include <string>

namespace vlserve::model {

kv_cache::kv_cache(const kv_shape& shape, const at::TensorOptions& options)
    : shape_(shape), options_(options), k_(size_t(shape.layers)), v_(size_t(shape.layers)) {}

int64_t kv_cache::bytes() const {
  int64_t total = 0;
  for (size_t i = 0; i < k_.size(); ++i) {
    if (k_[i].defined()) total += int64_t(k_[i].nbytes() + v_[i].nbytes());
  }
  return total;
}

void kv_cache::reserve_extra(int64_t extra) {
  const int64_t need = length_ + extra;
  if (need > shape_.max_context) {
    throw std::length_error("sequence would hold " + std::to_string(need) +
                            " tokens, over the context limit of " + std::to_string(shape_.max_context));
  }
  if (need <= capacity_) return;
  const int64_t chunk = std::max<int64_t>(1, shape_.chunk);
  const int64_t target = std::min(shape_.max_context, (need + chunk - 1) / chunk * chunk);
  for (size_t i = 0; i < k_.size(); ++i) {
    // Zeroed, not empty: batch-invariant attention multiplies masked probabilities (exact zeros)
    // with the unused tail, and 0 x NaN would poison the result.
    at::Tensor nk = at::zeros({shape_.kv_heads, target, shape_.head_dim}, options_);
    at::Tensor nv = at::zeros({shape_.kv_heads, target, shape_.head_dim}, options_);
    if (length_ > 0) {
      nk.narrow(1, 0, length_).copy_(k_[i].narrow(1, 0, length_));
      nv.narrow(1, 0, length_).copy_(v_[i].narrow(1, 0, length_));
    }
    k_[i] = nk;  // the old buffers are released here
    v_[i] = nv;
  }
  capacity_ = target;
}

std::pair<at::Tensor, at::Tensor> kv_cache::append(int64_t layer, const at::Tensor& k,
                                                   const at::Tensor& v) {
  const int64_t n = k.size(1);
  if (length_ + n > capacity_) throw std::logic_error("kv_cache::append without reserve_extra");
  at::Tensor& kl = k_[size_t(layer)];
  at::Tensor& vl = v_[size_t(layer)];
  kl.narrow(1, length_, n).copy_(k);
  vl.narrow(1, length_, n).copy_(v);
  return {kl.narrow(1, 0, length_ + n), vl.narrow(1, 0, length_ + n)};
}

}  // namespace vlserve::model

namespace vlserve::model {

void kv_cache::copy_prefix(const kv_cache& from, int64_t n) {
  if (length_ != 0 || n < 0 || n > from.length_ || from.k_.size() != k_.size())
    throw std::logic_error("kv_cache::copy_prefix needs an empty cache and a long enough source");
  if (n == 0) return;
  reserve_extra(n);
  for (size_t i = 0; i < k_.size(); ++i) {
    k_[i].narrow(1, 0, n).copy_(from.k_[i].narrow(1, 0, n));
    v_[i].narrow(1, 0, n).copy_(from.v_[i].narrow(1, 0, n));
  }
  length_ = n;
}

}  // namespace vlserve::model
