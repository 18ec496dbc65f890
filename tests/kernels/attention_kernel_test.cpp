// The blocked attention kernel (every ISA this CPU has) against attention computed in float64 by
// libtorch on random inputs: causal and full masks, grouped heads, odd lengths, strided views,
// float32 and bf16; and the order independence that chunked prefill relies on.
#include "model/text/kernels/cpu_attention.hpp"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace vlserve::model::kernels {
namespace {

// q [n, H, d], k/v [KV, T, d] -> [n, H*d] in float64.
at::Tensor reference(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                     int64_t causal_offset, double scale) {
  const int64_t n = q.size(0), heads = q.size(1), d = q.size(2), kv = k.size(0), t = k.size(1);
  const at::Tensor qd = q.to(at::kDouble).permute({1, 0, 2});  // [H, n, d]
  const at::Tensor kd = k.to(at::kDouble).repeat_interleave(heads / kv, 0);
  const at::Tensor vd = v.to(at::kDouble).repeat_interleave(heads / kv, 0);
  at::Tensor scores = at::matmul(qd, kd.transpose(1, 2)) * scale;  // [H, n, T]
  if (causal_offset >= 0) {
    const at::Tensor qi = at::arange(causal_offset, causal_offset + n).unsqueeze(1);
    const at::Tensor kj = at::arange(0, t).unsqueeze(0);
    scores = scores.masked_fill(kj > qi, -std::numeric_limits<double>::infinity());
  }
  return at::matmul(at::softmax(scores, -1), vd).permute({1, 0, 2}).reshape({n, heads * d});
}

struct shape {
  int64_t n, heads, kv_heads, d, keys, causal_offset;
};

class attention_kernel : public ::testing::TestWithParam<attention_isa> {
 protected:
  void SetUp() override {
    if (!attention_isa_supported(GetParam()))
      GTEST_SKIP() << "this CPU lacks " << attention_isa_name(GetParam()) << "; its kernel is not run";
    at::manual_seed(7);
  }
};

const std::vector<shape> k_shapes = {
    {1, 16, 8, 128, 1, 0},      // first decode token
    {1, 16, 8, 128, 77, 76},    // decode over a cache
    {33, 16, 8, 128, 33, 0},    // prompt chunk, one partial block
    {70, 16, 8, 128, 170, 100}, // later prompt chunk after 100 cached tokens
    {5, 4, 1, 64, 300, 295},    // 4 heads per kv head, head_dim 64
    {65, 16, 16, 64, 65, -1},   // vision: no mask, no grouping
    {3, 2, 2, 256, 40, -1},     // largest head_dim
    {40, 4, 2, 32, 90, 50},     // the tiny fixture's text attention
    {30, 4, 4, 16, 30, -1},     // the tiny fixture's vision attention
};

TEST_P(attention_kernel, matches_float64_attention_in_float32) {
  for (const shape& s : k_shapes) {
    const at::Tensor q = at::randn({s.n, s.heads, s.d});
    const at::Tensor k = at::randn({s.kv_heads, s.keys, s.d});
    const at::Tensor v = at::randn({s.kv_heads, s.keys, s.d});
    const double scale = 1.0 / std::sqrt(double(s.d));
    const at::Tensor out = cpu_attention(q, k, v, s.causal_offset, scale, GetParam());
    const at::Tensor ref = reference(q, k, v, s.causal_offset, scale);
    const double err = (out.to(at::kDouble) - ref).abs().max().item<double>();
    EXPECT_LT(err, 2e-5) << "n " << s.n << " heads " << s.heads << "/" << s.kv_heads << " d " << s.d
                         << " keys " << s.keys << " offset " << s.causal_offset;
  }
}

TEST_P(attention_kernel, matches_in_bf16_within_bf16_rounding) {
  for (const shape& s : k_shapes) {
    const at::Tensor q = at::randn({s.n, s.heads, s.d}).to(at::kBFloat16);
    const at::Tensor k = at::randn({s.kv_heads, s.keys, s.d}).to(at::kBFloat16);
    const at::Tensor v = at::randn({s.kv_heads, s.keys, s.d}).to(at::kBFloat16);
    const double scale = 1.0 / std::sqrt(double(s.d));
    const at::Tensor out = cpu_attention(q, k, v, s.causal_offset, scale, GetParam());
    ASSERT_EQ(out.scalar_type(), at::kBFloat16);
    const at::Tensor ref = reference(q, k, v, s.causal_offset, scale);
    // Inputs are exact in both; only the output's rounding to bf16 (2^-8 relative) differs.
    const at::Tensor bound = ref.abs() / 256 + 1e-5;
    EXPECT_TRUE(((out.to(at::kDouble) - ref).abs() <= bound).all().item<bool>())
        << "keys " << s.keys << " offset " << s.causal_offset;
  }
}

TEST_P(attention_kernel, reads_strided_views_like_the_kv_cache_and_vision_layouts) {
  // q as a row slice of a wider [rows, H, d] tensor; k/v as the first keys of a larger allocation.
  const at::Tensor q_all = at::randn({50, 16, 128});
  const at::Tensor k_all = at::randn({8, 256, 128}), v_all = at::randn({8, 256, 128});
  const at::Tensor q = q_all.narrow(0, 10, 20), k = k_all.narrow(1, 0, 120), v = v_all.narrow(1, 0, 120);
  const at::Tensor out = cpu_attention(q, k, v, 100, 0.1, GetParam());
  EXPECT_LT((out.to(at::kDouble) - reference(q, k, v, 100, 0.1)).abs().max().item<double>(), 2e-5);
  // Vision: q/k/v [S, H, d] read as heads-first views.
  const at::Tensor x = at::randn({90, 3, 4, 64});
  const at::Tensor vq = x.select(1, 0), vk = x.select(1, 1).transpose(0, 1), vv = x.select(1, 2).transpose(0, 1);
  const at::Tensor vout = cpu_attention(vq, vk, vv, -1, 0.125, GetParam());
  EXPECT_LT((vout.to(at::kDouble) - reference(vq, vk.contiguous(), vv.contiguous(), -1, 0.125))
                .abs().max().item<double>(), 2e-5);
}

// A prompt read in chunks gives bit-identical rows to the same prompt read at once. The whole
// prompt and the 45-row chunks read K and V from the call's packed copy, the 1-row chunk at 149
// widens them per block itself: both layouts must give the same bits.
TEST_P(attention_kernel, chunked_prompt_rows_equal_whole_prompt_rows_bit_for_bit) {
  const int64_t n = 150;
  const at::Tensor q = at::randn({n, 16, 128});
  const at::Tensor k = at::randn({8, n, 128}), v = at::randn({8, n, 128});
  const at::Tensor whole = cpu_attention(q, k, v, 0, 0.09, GetParam());
  for (int64_t start : {0, 37, 64, 149}) {
    const int64_t len = std::min<int64_t>(45, n - start);
    const at::Tensor part = cpu_attention(q.narrow(0, start, len), k.narrow(1, 0, start + len),
                                          v.narrow(1, 0, start + len), start, 0.09, GetParam());
    EXPECT_TRUE(at::equal(part, whole.narrow(0, start, len))) << "chunk at " << start;
  }
}

TEST(attention_kernel_args, rejects_unsupported_shapes_with_a_message) {
  attention_args a;
  EXPECT_THROW(check_attention_args(a), std::invalid_argument);
  float x = 0;
  a.q = a.k = a.v = &x;
  a.out = &x;
  a.queries = a.keys = 1;
  a.heads = 3;
  a.kv_heads = 2;
  a.head_dim = 64;
  EXPECT_THROW(check_attention_args(a), std::invalid_argument);  // 3 heads over 2 kv heads
  a.heads = 2;
  a.head_dim = 24;
  EXPECT_THROW(check_attention_args(a), std::invalid_argument);  // not a multiple of 16
  a.head_dim = 64;
  a.causal_offset = 1;
  EXPECT_THROW(check_attention_args(a), std::invalid_argument);  // offset past the keys
  a.causal_offset = 0;
  EXPECT_NO_THROW(check_attention_args(a));
}

INSTANTIATE_TEST_SUITE_P(isa, attention_kernel,
                         ::testing::Values(attention_isa::generic, attention_isa::avx2,
                                           attention_isa::avx512),
                         [](const auto& info) { return std::string(attention_isa_name(info.param)); });

}  // namespace
}  // namespace vlserve::model::kernels
