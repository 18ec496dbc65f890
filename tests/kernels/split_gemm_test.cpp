// Float32 products split over the OpenMP threads with OpenBLAS on one thread: the same values as
// at::linear (summation order aside) for row bands, column bands and single rows, with and without
// a bias, inside and outside inference mode, with 1 and 2 threads.
#include "model/text/kernels/split_gemm.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <gtest/gtest.h>

#include "model/text/torch_util.hpp"

namespace vlserve::model::kernels {
namespace {

void expect_close(const at::Tensor& y, const at::Tensor& ref, const std::string& what) {
  ASSERT_EQ(y.sizes(), ref.sizes()) << what;
  EXPECT_TRUE(((y - ref).abs() <= ref.abs() * 1e-5 + 1e-5).all().item<bool>()) << what;
}

TEST(split_gemm, openblas_is_set_to_one_thread) {
  if (!single_threaded_blas()) GTEST_SKIP() << "the BLAS here is not OpenBLAS (or VLSERVE_BLAS_SPLIT=off)";
  EXPECT_TRUE(split_linear_applicable(at::randn({4, 512}), at::randn({1024, 512}), at::Tensor()));
  EXPECT_FALSE(split_linear_applicable(at::randn({4, 8}), at::randn({16, 8}), at::Tensor()))
      << "a small product stays on one thread";
  EXPECT_FALSE(split_linear_applicable(at::randn({4, 512}).to(at::kBFloat16), at::randn({1024, 512}), at::Tensor()));
  EXPECT_FALSE(split_linear_applicable(at::randn({4, 1024}), at::randn({1024, 512}).t(), at::Tensor()))
      << "a transposed (non-contiguous) weight goes to at::linear";
}

TEST(split_gemm, equals_linear_for_every_split) {
  at::manual_seed(5);
  const int saved = at::get_num_threads();
  for (const int threads : {1, 2}) {
    at::set_num_threads(threads);
    for (const int64_t m : {int64_t(1), int64_t(3), int64_t(63), int64_t(64), int64_t(301)}) {
      const at::Tensor w = at::randn({257, 96}) * 0.05;
      const at::Tensor x = at::randn({m, 96});
      const at::Tensor bias = at::randn({257});
      for (const bool with_bias : {false, true}) {
        const at::Tensor b = with_bias ? bias : at::Tensor();
        const std::string what = "threads " + std::to_string(threads) + " rows " + std::to_string(m) +
                                 " bias " + std::to_string(with_bias);
        expect_close(split_linear(x, w, b), at::linear(x, w, b), what);
        c10::InferenceMode inference;
        expect_close(split_linear(x, w, b), at::linear(x, w, b), what + " (inference mode)");
      }
    }
  }
  at::set_num_threads(saved);
}

TEST(split_gemm, dense_float32_products_still_equal_linear) {
  if (!single_threaded_blas()) GTEST_SKIP() << "the BLAS here is not OpenBLAS (or VLSERVE_BLAS_SPLIT=off)";
  const at::Tensor w = at::randn({1024, 512});
  const at::Tensor x = at::randn({5, 512});
  expect_close(dense(x, w, {}, compute_mode{}), at::linear(x, w, {}), "dense float32");
}

}  // namespace
}  // namespace vlserve::model::kernels
