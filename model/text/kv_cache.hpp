// One sequence's KV cache: per decoder layer, K (after k_norm and RoPE) and V as
// [kv_heads, capacity, head_dim]. Capacity grows in whole chunks up to a fixed bound, so a
// sequence's memory is proportional to its length and never exceeds max_context tokens.
// Model-internal (ATen).
#pragma once

#include <ATen/ATen.h>

#include <vector>

namespace vlserve::model {

struct kv_shape {
  int64_t layers = 0;
  int64_t kv_heads = 0;
  int64_t head_dim = 0;
  int64_t chunk = 256;         // growth granularity in tokens
  int64_t max_context = 8192;  // hard bound in tokens
};

class kv_cache {
 public:
  kv_cache(const kv_shape& shape, const at::TensorOptions& options);

  int64_t length() const { return length_; }      // tokens committed
  int64_t capacity() const { return capacity_; }  // tokens allocated
  int64_t bytes() const;
  int64_t layers() const { return int64_t(k_.size()); }

  // Makes room for `extra` tokens beyond length(); throws std::length_error past max_context.
  void reserve_extra(int64_t extra);
  // Writes k, v ([kv_heads, n, head_dim]) at [length, length + n) of `layer` and returns views of
  // the first length + n entries. Nothing is committed until commit(n).
  std::pair<at::Tensor, at::Tensor> append(int64_t layer, const at::Tensor& k, const at::Tensor& v);
  void commit(int64_t n) { length_ += n; }
  // Starts an empty cache from the first n tokens of `from` (same shape): the prefix cache's copy.
  // Throws std::logic_error when this cache is not empty or `from` holds fewer than n tokens.
  void copy_prefix(const kv_cache& from, int64_t n);
  // The whole allocated K/V of `layer` ([kv_heads, capacity, head_dim]); entries past the written
  // ones are zeros or finite leftovers of an uncommitted step, never NaN.
  std::pair<at::Tensor, at::Tensor> buffers(int64_t layer) const {
    return {k_[size_t(layer)], v_[size_t(layer)]};
  }

 private:
  kv_shape shape_;
  at::TensorOptions options_;
  int64_t length_ = 0;
  int64_t capacity_ = 0;
  std::vector<at::Tensor> k_, v_;  // one per layer; undefined until the first reserve
};

}  // namespace vlserve::model
