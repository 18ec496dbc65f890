// Prompt-sized bf16 linears widened to float32 for the BLAS GEMM: the same values as at::linear
// on the float32 copies (only the bf16 output rounding differs), with and without a bias, for x in
// bf16 and float32; and dense() sends prompt chunks there only where the AVX2 kernel is in use.
#include "model/text/kernels/widened_linear.hpp"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "model/text/kernels/bf16_linear.hpp"
#include "model/text/torch_util.hpp"

namespace vlserve::model::kernels {
namespace {

TEST(widened_linear, equals_float32_linear_up_to_output_rounding) {
  at::manual_seed(3);
  for (const int64_t m : {k_widen_min_rows, int64_t(300)}) {
    const at::Tensor w = (at::randn({257, 96}) * 0.05).to(at::kBFloat16);
    const at::Tensor bias = at::randn({257}).to(at::kBFloat16);
    for (const at::ScalarType t : {at::kBFloat16, at::kFloat}) {
      const at::Tensor x = at::randn({m, 96}).to(at::kBFloat16).to(t);
      for (const bool with_bias : {false, true}) {
        const at::Tensor b = with_bias ? bias : at::Tensor();
        const at::Tensor y = widened_linear(x, w, b);
        ASSERT_EQ(y.scalar_type(), t);
        const at::Tensor ref = at::linear(x.to(at::kFloat), w.to(at::kFloat),
                                          with_bias ? bias.to(at::kFloat) : at::Tensor());
        // A bf16 result is rounded once (2^-8 relative); float32 differs by summation order only.
        const at::Tensor bound = (t == at::kBFloat16 ? ref.abs() / 256 : ref.abs() * 1e-5) + 1e-4;
        EXPECT_TRUE(((y.to(at::kFloat) - ref).abs() <= bound).all().item<bool>())
            << "rows " << m << " bias " << with_bias << " dtype " << c10::toString(t);
      }
    }
  }
}

TEST(widened_linear, dense_routes_prompt_chunks_here_only_with_the_avx2_kernel) {
  const at::Tensor w = (at::randn({64, 32}) * 0.05).to(at::kBFloat16);
  const at::Tensor prompt = at::randn({k_widen_min_rows, 32}).to(at::kBFloat16);
  const at::Tensor decode = at::randn({8, 32}).to(at::kBFloat16);
  EXPECT_FALSE(widened_linear_applicable(decode, w, {})) << "decode rows stay on the GEMV kernel";
  if (gemv_linear_isa() != gemv_isa::avx2) {
    EXPECT_FALSE(widened_linear_applicable(prompt, w, {}));
    GTEST_SKIP() << "the bf16 kernel here is " << gemv_isa_name(gemv_linear_isa())
                 << "; prompt chunks are widened only where it is avx2";
  }
  EXPECT_TRUE(widened_linear_applicable(prompt, w, {}));
  EXPECT_TRUE(at::equal(dense(prompt, w, {}, compute_mode{}), widened_linear(prompt, w, {})));
}

}  // namespace
}  // namespace vlserve::model::kernels
