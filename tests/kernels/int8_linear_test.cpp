// The int8 GEMV (every ISA this CPU has; the others skip) against libtorch on random inputs, the
// load-time quantizer's error bound, and the prompt-chunk path of int8_linear.
#include "model/text/kernels/int8_linear.hpp"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace vlserve::model::kernels {
namespace {

// The activations exactly as the kernel sees them (int8 per group times the group's scale).
at::Tensor kernel_activations(const at::Tensor& x) {
  const at::Tensor xf = x.to(at::kFloat).contiguous();
  at::Tensor out = at::empty_like(xf);
  for (int64_t r0 = 0; r0 < xf.size(0); r0 += k_q8_max_rows) {
    const int64_t rows = std::min(k_q8_max_rows, xf.size(0) - r0);
    const q8_activations a =
        q8_activations::from_f32(xf.data_ptr<float>() + r0 * xf.size(1), rows, xf.size(1), xf.size(1));
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t i = 0; i < xf.size(1); ++i) out[r0 + r][i] = a.dequantized(r, i);
    }
  }
  return out;
}

// y against x̂ · Ŵᵀ in float64: the kernel's integer group sums are exact, so what is left is
// float32 rounding of the group totals (1e-5 of the absolute product scale) and, for bf16 output,
// the final rounding (2^-8 relative).
void expect_matches_dequantized_product(const at::Tensor& y, const at::Tensor& x, const int8_weight& w) {
  const at::Tensor xh = kernel_activations(x).to(at::kDouble);
  const at::Tensor wh = dequantize_int8(w, at::kDouble);
  const at::Tensor ref = at::linear(xh, wh);
  const at::Tensor scale = at::linear(xh.abs(), wh.abs());
  const double out_rounding = y.scalar_type() == at::kBFloat16 ? 1.0 / 256 : 0.0;
  const at::Tensor bound = ref.abs() * out_rounding + scale * 1e-5 + 1e-6;
  const at::Tensor err = (y.to(at::kDouble) - ref).abs();
  EXPECT_TRUE((err <= bound).all().item<bool>())
      << "worst error/bound " << (err / bound).max().item<double>() << " for x " << x.sizes()
      << " w [" << w.out_features() << ", " << w.in_features << "]";
}

class int8_gemv : public ::testing::TestWithParam<q8_isa> {
 protected:
  void SetUp() override {
    if (!q8_isa_supported(GetParam())) {
      GTEST_SKIP() << "this CPU lacks " << q8_isa_name(GetParam()) << "; its kernel is not checked here";
    }
    at::manual_seed(77);
  }
};

TEST_P(int8_gemv, matches_libtorch_on_dequantized_operands_for_any_rows_and_odd_shapes) {
  const std::vector<std::pair<int64_t, int64_t>> shapes = {
      {1, 1}, {5, 33}, {17, 128}, {100, 200}, {257, 2048}, {96, 6144}};
  for (const auto& [n, k] : shapes) {
    const int8_weight w = quantize_int8(at::randn({n, k}) * 0.05);
    for (int64_t m : {1, 2, 3, 4, 5, 6, 7, 8, 9, 17}) {
      const at::Tensor x = at::randn({m, k});
      const at::Tensor y = int8_linear_kernel(x, w, {}, GetParam());
      ASSERT_EQ(y.sizes(), (std::vector<int64_t>{m, n}));
      expect_matches_dequantized_product(y, x, w);
    }
  }
}

TEST_P(int8_gemv, bf16_activations_give_bf16_output) {
  const int8_weight w = quantize_int8(at::randn({130, 256}) * 0.05);
  const at::Tensor x = at::randn({3, 256}).to(at::kBFloat16);
  const at::Tensor y = int8_linear_kernel(x, w, {}, GetParam());
  ASSERT_EQ(y.scalar_type(), at::kBFloat16);
  expect_matches_dequantized_product(y, x, w);
}

// Outliers and all-zero groups: a group's scale follows its own largest value.
TEST_P(int8_gemv, zero_groups_and_outliers) {
  at::Tensor wf = at::randn({40, 384}) * 0.05;
  wf.narrow(1, 128, 128).zero_();
  wf[3][5] = 40.0f;
  at::Tensor x = at::randn({2, 384});
  x.narrow(1, 256, 128).zero_();
  x[1][7] = -300.0f;
  const int8_weight w = quantize_int8(wf);
  expect_matches_dequantized_product(int8_linear_kernel(x, w, {}, GetParam()), x, w);
}

// The whole error against the unquantized float product is bounded by the two roundings:
// |x·w - x̂·ŵ| <= |x - x̂|·|ŵ| + |x|·|w - ŵ| per element.
TEST_P(int8_gemv, error_against_the_float_product_is_within_the_quantization_bound) {
  const at::Tensor wf = at::randn({300, 1000}) * 0.05;
  const at::Tensor x = at::randn({4, 1000});
  const int8_weight w = quantize_int8(wf);
  const at::Tensor wh = dequantize_int8(w, at::kFloat);
  const at::Tensor y = int8_linear_kernel(x, w, {}, GetParam());
  const at::Tensor bound = at::linear((x - kernel_activations(x)).abs(), wh.abs()) +
                           at::linear(x.abs(), (wf - wh).abs()) + 1e-4;
  const at::Tensor ref = at::linear(x, wf);
  EXPECT_TRUE(((y - ref).abs() <= bound).all().item<bool>());
  // Relative error over the output: ~0.5% for Gaussian data (two int8 roundings of 1/254 of the
  // group maximum, in quadrature, against ~1/3 of it on average).
  EXPECT_LT(((y - ref).norm() / ref.norm()).item<double>(), 0.02);
}

INSTANTIATE_TEST_SUITE_P(isa, int8_gemv,
                         ::testing::Values(q8_isa::generic, q8_isa::avx2, q8_isa::avx512_vnni),
                         [](const auto& info) { return std::string(q8_isa_name(info.param)); });

TEST(int8_quantize, rounds_each_group_to_half_a_step) {
  at::manual_seed(5);
  const at::Tensor wf = at::randn({64, 300}) * 0.1;
  const int8_weight w = quantize_int8(wf);
  ASSERT_EQ(w.values.sizes(), (std::vector<int64_t>{64, 384}));
  ASSERT_EQ(w.scales.sizes(), (std::vector<int64_t>{64, 3}));
  EXPECT_TRUE((w.values.narrow(1, 300, 84) == 0).all().item<bool>()) << "padding must be zero";
  // Scale = group max / 127, so the largest value maps to ±127 and every value is within half a
  // step (plus float rounding) of its dequantized value.
  const at::Tensor padded = at::constant_pad_nd(wf, {0, 84});
  const at::Tensor amax = padded.view({64, 3, 128}).abs().amax(2);
  EXPECT_TRUE(at::allclose(w.scales, amax / 127, 1e-6, 0));
  const at::Tensor step = w.scales.repeat_interleave(128, 1).narrow(1, 0, 300);
  const at::Tensor err = (dequantize_int8(w, at::kFloat) - wf).abs();
  EXPECT_TRUE((err <= step * 0.5 * (1 + 1e-5)).all().item<bool>());
  EXPECT_EQ(w.values.abs().max().item<int>(), 127);
}

// Prompt chunks go through a float32 GEMM over the dequantized weight (the packed AVX2 GEMM, or the
// BLAS from 128 rows where it is not in use): the same Ŵ, exact x.
TEST(int8_linear_prompt, prompt_chunks_use_the_dequantized_weight) {
  at::manual_seed(9);
  const int8_weight w = quantize_int8(at::randn({96, 256}) * 0.05);
  const at::Tensor x = at::randn({130, 256});
  const at::Tensor bias = at::randn({96});
  const at::Tensor y = int8_linear(x, w, bias, /*batch_invariant=*/false);
  const at::Tensor ref = at::linear(x, dequantize_int8(w, at::kFloat), bias);
  EXPECT_TRUE(at::allclose(y, ref, 1e-4, 1e-4));
  // batch invariant: every row through the kernel, so a row's result does not depend on the rest.
  const at::Tensor all = int8_linear(x, w, {}, /*batch_invariant=*/true);
  const at::Tensor one = int8_linear(x.narrow(0, 57, 1), w, {}, /*batch_invariant=*/true);
  EXPECT_TRUE(at::equal(all.narrow(0, 57, 1), one));
}

TEST(int8_linear_prompt, mismatched_shapes_are_refused) {
  const int8_weight w = quantize_int8(at::randn({8, 64}));
  EXPECT_THROW(int8_linear(at::randn({2, 63}), w, {}, false), std::invalid_argument);
  EXPECT_THROW(int8_linear(at::randn({2, 64}), w, at::randn({7}), false), std::invalid_argument);
}

}  // namespace
}  // namespace vlserve::model::kernels
