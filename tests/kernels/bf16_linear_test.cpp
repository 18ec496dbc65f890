// The libtorch adapter of the bf16 GEMV against at::linear computed in float32 on random inputs,
// and the routing of the text decoder's dense() through it.
#include "model/text/kernels/bf16_linear.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <tuple>
#include <vector>

#include "model/text/kernels/packed_linear.hpp"
#include "model/text/torch_util.hpp"

namespace vlserve::model::kernels {
namespace {

// Per element: bf16 output rounding (2^-8 relative) plus float32-order error on the product scale.
// Failing cases print the worst error relative to that bound.
void expect_close_to_float32_linear(const at::Tensor& y, const at::Tensor& x, const at::Tensor& w,
                                    double rel_input, const at::Tensor& bias = {}) {
  const at::Tensor xf = x.to(at::kFloat), wf = w.to(at::kFloat);
  const at::Tensor bf = bias.defined() ? bias.to(at::kFloat) : at::zeros({w.size(0)});
  const at::Tensor ref = at::linear(xf, wf, bf);
  const at::Tensor scale = at::linear(xf.abs(), wf.abs(), bf.abs());
  // With a bias the bf16 result is rounded twice: x·Wᵀ first, then the sum with the bias.
  const at::Tensor rounding =
      bias.defined() ? (ref.abs() + (ref - bf).abs()) / 256 : ref.abs() / 256;
  const at::Tensor bound = rounding + scale * (rel_input + 1e-5) + 1e-6;
  const at::Tensor err = (y.to(at::kFloat) - ref).abs();
  EXPECT_TRUE((err <= bound).all().item<bool>())
      << "max error " << err.max().item<float>() << ", worst ratio "
      << (err / bound).max().item<float>() << " for x " << x.sizes() << " w " << w.sizes();
  const double rel = ((y.to(at::kFloat) - ref).norm() / ref.norm()).item<double>();
  EXPECT_LT(rel, 4e-3) << "relative error over the whole output";
}

class bf16_linear : public ::testing::TestWithParam<gemv_isa> {
 protected:
  void SetUp() override {
    if (!gemv_isa_supported(GetParam()))
      GTEST_SKIP() << "this CPU lacks " << gemv_isa_name(GetParam());
    at::manual_seed(1234);
  }
};

// Rows 1..8 are one kernel call; 9, 16, 17 and 45 are prompt-sized: groups of 8 plus a remainder.
TEST_P(bf16_linear, matches_float32_linear_for_any_row_count_and_odd_shapes) {
  const std::vector<std::pair<int64_t, int64_t>> shapes = {
      {1, 1}, {3, 31}, {17, 33}, {100, 257}, {1000, 2048}, {6144 / 4, 6144 / 2 + 7}};
  for (const auto& [n, k] : shapes) {
    const at::Tensor w = (at::randn({n, k}) * 0.05).to(at::kBFloat16);
    for (int64_t m : {1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 17, 45}) {
      const at::Tensor x = at::randn({m, k}).to(at::kBFloat16);
      const at::Tensor y = gemv_linear(x, w, {}, GetParam());
      ASSERT_EQ(y.scalar_type(), at::kBFloat16);
      ASSERT_EQ(y.sizes(), (std::vector<int64_t>{m, n}));
      expect_close_to_float32_linear(y, x, w, 0.0);
    }
  }
}

TEST_P(bf16_linear, float_activations_give_float_output_at_bf16_input_rounding) {
  const at::Tensor w = (at::randn({300, 2048}) * 0.05).to(at::kBFloat16);
  const at::Tensor x = at::randn({4, 2048});
  const at::Tensor y = gemv_linear(x, w, {}, GetParam());
  ASSERT_EQ(y.scalar_type(), at::kFloat);
  // AVX512-BF16 rounds float activations to bf16: 2^-9 relative per input element.
  expect_close_to_float32_linear(y, x, w, 1.0 / 512);
}

TEST_P(bf16_linear, strided_activations_and_bias) {
  const at::Tensor w = (at::randn({70, 96}) * 0.05).to(at::kBFloat16);
  const at::Tensor wide = at::randn({6, 200}).to(at::kBFloat16);
  const at::Tensor rows = wide.narrow(1, 10, 96);                    // row stride 200
  const at::Tensor cols = at::randn({96, 5}).to(at::kBFloat16).t();  // column stride 5
  const at::Tensor bias = at::randn({70}).to(at::kBFloat16);
  for (const at::Tensor& x : {rows, cols}) {
    const at::Tensor y = gemv_linear(x, w, bias, GetParam());
    expect_close_to_float32_linear(y, x, w, 0.0, bias);
  }
}

TEST_P(bf16_linear, two_threads_give_the_same_bits_as_one) {
  const at::Tensor w = (at::randn({5000, 512}) * 0.05).to(at::kBFloat16);
  const at::Tensor x = at::randn({11, 512}).to(at::kBFloat16);
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  const at::Tensor one = gemv_linear(x, w, {}, GetParam());
  at::set_num_threads(2);
  const at::Tensor two = gemv_linear(x, w, {}, GetParam());
  at::set_num_threads(threads);
  EXPECT_TRUE(at::equal(one, two));
}

INSTANTIATE_TEST_SUITE_P(isa, bf16_linear, ::testing::Values(gemv_isa::avx2, gemv_isa::avx512_bf16),
                         [](const auto& info) { return std::string(gemv_isa_name(info.param)); });

TEST(bf16_linear_routing, applicability_and_errors) {
  const at::Tensor w = at::randn({8, 16}).to(at::kBFloat16);
  const bool on = gemv_linear_isa() != gemv_isa::none;
  EXPECT_EQ(gemv_linear_applicable(at::randn({8, 16}).to(at::kBFloat16), w, {}), on);
  // Prompt-sized x goes to the kernel unless libtorch has a fast bf16 GEMM (AVX512-BF16).
  EXPECT_EQ(gemv_linear_applicable(at::randn({9, 16}).to(at::kBFloat16), w, {}),
            on && gemv_linear_isa() != gemv_isa::avx512_bf16);
  EXPECT_FALSE(gemv_linear_applicable(at::randn({1, 15}).to(at::kBFloat16), w, {}));
  EXPECT_FALSE(gemv_linear_applicable(at::randn({1, 16}), w.to(at::kFloat), {}));
  EXPECT_FALSE(
      gemv_linear_applicable(at::randn({1, 16}).to(at::kBFloat16), w.t().contiguous().t(), {}));
  EXPECT_FALSE(gemv_linear_applicable(at::randn({1, 16}).to(at::kBFloat16), w, at::randn({7})));
  EXPECT_THROW(gemv_linear(at::randn({9, 15}).to(at::kBFloat16), w, {}), std::invalid_argument);
  EXPECT_THROW(gemv_linear(at::randn({1, 16}).to(at::kBFloat16), w, {}, gemv_isa::none),
               std::invalid_argument);
}

// dense() is where the decoder applies every linear layer: decode-sized bf16 calls must take the
// kernel (bit-identical to calling it directly); short prompt chunks go to libtorch where
// AVX512-BF16 gives it a fast bf16 GEMM and to the packed GEMM on AVX2 (packed_linear_test).
TEST(bf16_linear_routing, dense_uses_the_kernel_for_decode_rows_and_slow_prefill) {
  if (gemv_linear_isa() == gemv_isa::none) GTEST_SKIP() << "no GEMV kernel on this CPU";
  at::manual_seed(7);
  const at::Tensor w = (at::randn({300, 256}) * 0.05).to(at::kBFloat16);
  const at::Tensor decode = at::randn({4, 256}).to(at::kBFloat16);
  EXPECT_TRUE(at::equal(dense(decode, w, {}, compute_mode{}), gemv_linear(decode, w, {})));
  const at::Tensor prefill = at::randn({20, 256}).to(at::kBFloat16);
  const at::Tensor expected = gemv_linear_isa() == gemv_isa::avx512_bf16 ? at::linear(prefill, w)
                              : gemv_linear_isa() == gemv_isa::avx2       ? packed_linear(prefill, w, {})
                                                                          : gemv_linear(prefill, w, {});
  EXPECT_TRUE(at::equal(dense(prefill, w, {}, compute_mode{}), expected));
}

}  // namespace
}  // namespace vlserve::model::kernels
