// The torch-free bf16 GEMV, for every kernel this CPU can run, against a float64 reference over
// the same bf16 weights: all row counts 1..8, depths around the 16/32-element blocks, column
// ranges, both output types, and the argument checks.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <iostream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/text/kernels/bf16_gemv.hpp"
#include "tests/kernels/bf16_bits.hpp"

namespace vlserve::model::kernels {
namespace {

using test_bits::from_bf16;
using test_bits::to_bf16;

struct problem {
  int64_t m, n, k;
  std::vector<float> x;     // [m, k], values exactly representable in bf16
  std::vector<uint16_t> w;  // [n, k]
  std::vector<double> ref;  // [m, n]
  std::vector<double> mag;  // [m, n]: sum |x||w|, the scale rounding errors are measured against
};

problem make_problem(int64_t m, int64_t n, int64_t k, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  problem p{m, n, k, {}, {}, {}, {}};
  for (int64_t i = 0; i < m * k; ++i) p.x.push_back(from_bf16(to_bf16(dist(gen))));
  for (int64_t i = 0; i < n * k; ++i) p.w.push_back(to_bf16(dist(gen) * 0.05f));
  for (int64_t r = 0; r < m; ++r) {
    for (int64_t c = 0; c < n; ++c) {
      double s = 0, a = 0;
      for (int64_t i = 0; i < k; ++i) {
        const double t = double(p.x[size_t(r * k + i)]) * from_bf16(p.w[size_t(c * k + i)]);
        s += t;
        a += std::abs(t);
      }
      p.ref.push_back(s);
      p.mag.push_back(a);
    }
  }
  return p;
}

class gemv_kernel : public ::testing::TestWithParam<gemv_isa> {
 protected:
  void SetUp() override {
    if (!gemv_isa_supported(GetParam())) {
      GTEST_SKIP() << "this CPU lacks " << gemv_isa_name(GetParam());
    }
  }
};

// bf16-exact inputs: the only error left is float32 accumulation order, far below 1e-5 of the
// scale.
TEST_P(gemv_kernel, float_output_matches_reference_for_all_row_counts_and_depths) {
  for (int64_t m = 1; m <= k_gemv_max_rows; ++m) {
    for (int64_t k : {1, 2, 7, 15, 16, 17, 31, 32, 33, 100, 2053}) {
      // Not a multiple of any row-block size; at the largest depth also several column tiles.
      const int64_t n = (k > 1000 ? 100 : 13) + m;
      const problem p = make_problem(m, n, k, unsigned(m * 1000 + k));
      const gemv_activations a = gemv_activations::from_f32(GetParam(), p.x.data(), m, k, k);
      std::vector<float> y(size_t(m * n), -1.0f);
      gemv_bf16(a, p.w.data(), 0, n, gemv_output{y.data(), nullptr, n});
      for (size_t i = 0; i < y.size(); ++i) {
        ASSERT_NEAR(y[i], p.ref[i], 1e-5 * p.mag[i] + 1e-30)
            << "m=" << m << " k=" << k << " i=" << i;
      }
    }
  }
}

TEST_P(gemv_kernel, bf16_output_is_the_reference_rounded_to_bf16) {
  const int64_t m = 3, n = 50, k = 300;
  const problem p = make_problem(m, n, k, 7);
  std::vector<uint16_t> xb;
  for (float v : p.x) xb.push_back(to_bf16(v));
  const gemv_activations a = gemv_activations::from_bf16(GetParam(), xb.data(), m, k, k);
  std::vector<uint16_t> y(size_t(m * n), 0);
  gemv_bf16(a, p.w.data(), 0, n, gemv_output{nullptr, y.data(), n});
  for (size_t i = 0; i < y.size(); ++i) {
    // one bf16 rounding (relative 2^-8 at most) on top of the accumulation error
    ASSERT_NEAR(from_bf16(y[i]), p.ref[i], std::abs(p.ref[i]) / 256 + 1e-5 * p.mag[i]) << i;
  }
}

// float32 activations that are not bf16-exact: AVX512-BF16 rounds them to bf16 (relative 2^-9
// per element), so the bound is the bf16 rounding level, as for libtorch's bf16 linear.
TEST_P(gemv_kernel, arbitrary_float_activations_stay_within_bf16_rounding) {
  const int64_t m = 2, n = 40, k = 2048;
  problem p = make_problem(m, n, k, 11);
  std::mt19937 gen(5);
  std::uniform_real_distribution<float> jitter(-0.003f, 0.003f);
  for (float& v : p.x) v *= 1.0f + jitter(gen);
  const gemv_activations a = gemv_activations::from_f32(GetParam(), p.x.data(), m, k, k);
  std::vector<float> y(size_t(m * n));
  gemv_bf16(a, p.w.data(), 0, n, gemv_output{y.data(), nullptr, n});
  for (int64_t r = 0; r < m; ++r) {
    for (int64_t c = 0; c < n; ++c) {
      double s = 0;
      for (int64_t i = 0; i < k; ++i)
        s += double(p.x[size_t(r * k + i)]) * from_bf16(p.w[size_t(c * k + i)]);
      ASSERT_NEAR(y[size_t(r * n + c)], s, p.mag[size_t(r * n + c)] / 256) << r << "," << c;
    }
  }
}

TEST_P(gemv_kernel, column_range_writes_only_its_columns_and_honours_strides) {
  const int64_t m = 5, n = 37, k = 45, x_stride = 50, y_stride = 41;
  const problem p = make_problem(m, n, k, 3);
  std::vector<float> xs(size_t(m * x_stride), 1e30f);  // padding must never be read
  for (int64_t r = 0; r < m; ++r)
    std::memcpy(&xs[size_t(r * x_stride)], &p.x[size_t(r * k)], size_t(k) * 4);
  const gemv_activations a = gemv_activations::from_f32(GetParam(), xs.data(), m, k, x_stride);
  std::vector<float> y(size_t(m * y_stride), -7.0f);
  gemv_bf16(a, p.w.data(), 9, 30, gemv_output{y.data(), nullptr, y_stride});
  for (int64_t r = 0; r < m; ++r) {
    for (int64_t c = 0; c < y_stride; ++c) {
      const float v = y[size_t(r * y_stride + c)];
      if (c >= 9 && c < 30) {
        ASSERT_NEAR(v, p.ref[size_t(r * n + c)], 1e-5 * p.mag[size_t(r * n + c)]) << r << "," << c;
      } else {
        ASSERT_EQ(v, -7.0f) << "column " << c << " outside [9, 30) was written";
      }
    }
  }
}

TEST_P(gemv_kernel, rejects_bad_arguments_with_messages) {
  const std::vector<float> x(64, 1.0f);
  const std::vector<uint16_t> w(64, 0);
  std::vector<float> y(64);
  EXPECT_THROW(gemv_activations::from_f32(GetParam(), x.data(), 0, 8, 8), std::invalid_argument);
  EXPECT_THROW(gemv_activations::from_f32(GetParam(), x.data(), 9, 4, 4), std::invalid_argument);
  EXPECT_THROW(gemv_activations::from_f32(GetParam(), x.data(), 1, 0, 0), std::invalid_argument);
  EXPECT_THROW(gemv_activations::from_f32(GetParam(), x.data(), 2, 8, 4), std::invalid_argument);
  EXPECT_THROW(gemv_activations::from_f32(GetParam(), nullptr, 1, 8, 8), std::invalid_argument);
  const gemv_activations a = gemv_activations::from_f32(GetParam(), x.data(), 1, 8, 8);
  EXPECT_THROW(gemv_bf16(a, nullptr, 0, 4, gemv_output{y.data(), nullptr, 4}),
               std::invalid_argument);
  EXPECT_THROW(gemv_bf16(a, w.data(), 3, 2, gemv_output{y.data(), nullptr, 4}),
               std::invalid_argument);
  EXPECT_THROW(gemv_bf16(a, w.data(), 0, 4, gemv_output{}), std::invalid_argument);
  EXPECT_THROW(gemv_bf16(a, w.data(), 0, 8, gemv_output{y.data(), nullptr, 4}),
               std::invalid_argument);
  try {
    gemv_activations::from_f32(GetParam(), x.data(), 12, 4, 4);
    FAIL() << "12 rows accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("12 activation rows"), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(isa, gemv_kernel, ::testing::Values(gemv_isa::avx2, gemv_isa::avx512_bf16),
                         [](const auto& info) { return std::string(gemv_isa_name(info.param)); });

TEST(gemv_dispatch, none_is_refused_and_best_is_supported) {
  const float x = 1.0f;
  EXPECT_THROW(gemv_activations::from_f32(gemv_isa::none, &x, 1, 1, 1), std::invalid_argument);
  EXPECT_TRUE(gemv_isa_supported(gemv_best_isa()));
  std::cout << "best GEMV kernel on this CPU: " << gemv_isa_name(gemv_best_isa()) << "\n";
}

}  // namespace
}  // namespace vlserve::model::kernels
