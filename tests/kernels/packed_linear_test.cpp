// The libtorch face of the packed AVX2 GEMM: the same values as at::linear over float32 copies
// (summation order and the bf16 output rounding aside), with and without a bias, for x in bf16 and
// float32, across the kernel's 144-row blocks; and dense() sends prompt chunks (9+ rows) here only
// where the AVX2 kernel is in use.
#include "model/text/kernels/packed_linear.hpp"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "model/text/kernels/bf16_linear.hpp"
#include "model/text/torch_util.hpp"

namespace vlserve::model::kernels {
namespace {

TEST(packed_linear, equals_float32_linear_up_to_output_rounding) {
  if (!gemv_isa_supported(gemv_isa::avx2)) GTEST_SKIP() << "this CPU lacks AVX2 + FMA";
  at::manual_seed(5);
  for (const int64_t m : {k_packed_min_rows, int64_t(50), int64_t(300)}) {
    const at::Tensor w = (at::randn({261, 300}) * 0.05).to(at::kBFloat16);
    const at::Tensor bias = at::randn({261}).to(at::kBFloat16);
    for (const at::ScalarType t : {at::kBFloat16, at::kFloat}) {
      const at::Tensor x = at::randn({m, 300}).to(t);
      for (const bool with_bias : {false, true}) {
        const at::Tensor b = with_bias ? bias : at::Tensor();
        const at::Tensor y = packed_linear(x, w, b);
        ASSERT_EQ(y.scalar_type(), t);
        ASSERT_EQ(y.sizes(), (at::IntArrayRef{m, 261}));
        const at::Tensor ref = at::linear(x.to(at::kFloat), w.to(at::kFloat),
                                          with_bias ? bias.to(at::kFloat) : at::Tensor());
        const at::Tensor bound = (t == at::kBFloat16 ? ref.abs() / 256 : ref.abs() * 1e-5) + 1e-4;
        EXPECT_TRUE(((y.to(at::kFloat) - ref).abs() <= bound).all().item<bool>())
            << "rows " << m << " bias " << with_bias << " dtype " << c10::toString(t);
      }
    }
  }
}

TEST(packed_linear, rejects_what_it_cannot_run) {
  const at::Tensor w = (at::randn({16, 32}) * 0.05).to(at::kBFloat16);
  EXPECT_THROW(packed_linear(at::randn({12, 31}), w, {}), std::invalid_argument);
  EXPECT_THROW(packed_linear(at::randn({12, 32}), w.to(at::kFloat), {}), std::invalid_argument);
  EXPECT_THROW(packed_linear(at::randn({12, 32}), w, at::randn({15})), std::invalid_argument);
}

TEST(packed_linear, dense_routes_short_prompt_chunks_here_only_with_the_avx2_kernel) {
  const at::Tensor w = (at::randn({64, 32}) * 0.05).to(at::kBFloat16);
  const at::Tensor chunk = at::randn({40, 32}).to(at::kBFloat16);
  const at::Tensor decode = at::randn({k_packed_min_rows - 1, 32}).to(at::kBFloat16);
  const at::Tensor prompt = at::randn({512, 32}).to(at::kBFloat16);
  EXPECT_FALSE(packed_linear_applicable(decode, w, {})) << "decode rows stay on the GEMV kernel";
  if (gemv_linear_isa() != gemv_isa::avx2) {
    EXPECT_FALSE(packed_linear_applicable(chunk, w, {}));
    GTEST_SKIP() << "the bf16 kernel here is " << gemv_isa_name(gemv_linear_isa())
                 << "; short prompt chunks take the packed GEMM only where it is avx2";
  }
  EXPECT_TRUE(packed_linear_applicable(chunk, w, {}));
  EXPECT_TRUE(at::equal(dense(chunk, w, {}, compute_mode{}), packed_linear(chunk, w, {})));
  EXPECT_TRUE(at::equal(dense(prompt, w, {}, compute_mode{}), packed_linear(prompt, w, {})));
}

}  // namespace
}  // namespace vlserve::model::kernels
