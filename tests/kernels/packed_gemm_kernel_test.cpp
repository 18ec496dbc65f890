// The torch-free packed AVX2 GEMM against a float64 reference over the same weights (bf16, or
// int8 times a per-group scale): row counts across the 6-row tiles and the 144-row blocks, depths
// around the 8-element transpose and the 256-deep panels, ragged and offset column ranges, strided
// rows, and that nothing outside the range is written. Skips where the CPU lacks AVX2 + FMA.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "model/text/kernels/bf16_gemv.hpp"
#include "model/text/kernels/packed_gemm_isa_kernels.hpp"
#include "tests/kernels/bf16_bits.hpp"

namespace vlserve::model::kernels {
namespace {

using test_bits::from_bf16;
using test_bits::to_bf16;

struct free_deleter {
  void operator()(float* p) const { std::free(p); }
};

// Runs the kernel on x [m, k] (row stride ldx) and W [n, k] for columns [n_begin, n_end) into a
// y of stride ldy filled with a sentinel, and checks every element of y. group > 0: W is int8
// (rows padded to whole groups) with one scale per `group` inputs, else bf16.
void check(int64_t m, int64_t n, int64_t k, int64_t n_begin, int64_t n_end, unsigned seed,
           int64_t group = 0) {
  const int64_t ldx = k + 3, ldy = n + 5;
  const float sentinel = -12345.0f;
  std::mt19937 gen(seed);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> x(size_t(m * ldx));
  for (float& v : x) v = dist(gen);
  std::vector<uint16_t> w(size_t(n * k));
  for (uint16_t& v : w) v = to_bf16(dist(gen) * 0.05f);
  const int64_t groups = group > 0 ? (k + group - 1) / group : 0, kp = groups * group;
  std::vector<int8_t> q(size_t(n * kp), 0);
  std::vector<float> scales(size_t(n * groups));
  std::uniform_int_distribution<int> level(-127, 127);
  for (int64_t r = 0; r < n && group > 0; ++r) {
    for (int64_t i = 0; i < k; ++i) q[size_t(r * kp + i)] = int8_t(level(gen));
  }
  for (float& s : scales) s = 0.001f * float(1 + level(gen) + 127);
  // The weight the reference multiplies: what the kernel must widen each stored value to.
  auto weight = [&](int64_t c, int64_t i) -> double {
    if (group == 0) return from_bf16(w[size_t(c * k + i)]);
    return float(q[size_t(c * kp + i)]) * scales[size_t(c * groups + i / group)];
  };
  std::vector<float> y(size_t(m * ldy), sentinel);
  std::unique_ptr<float, free_deleter> scratch(static_cast<float*>(
      std::aligned_alloc(64, sizeof(float) * detail::k_packed_gemm_scratch_floats)));
  detail::packed_weight pw;
  if (group > 0) {
    pw.q8 = q.data();
    pw.scales = scales.data();
    pw.row_stride = kp;
    pw.scale_stride = groups;
    pw.group = group;
  } else {
    pw.bf16 = w.data();
    pw.row_stride = k;
  }
  detail::packed_gemm_avx2(x.data(), m, ldx, pw, k, n_begin, n_end, y.data(), ldy, scratch.get());
  for (int64_t r = 0; r < m; ++r) {
    for (int64_t c = 0; c < ldy; ++c) {
      const float got = y[size_t(r * ldy + c)];
      if (c < n_begin || c >= n_end) {
        ASSERT_EQ(got, sentinel) << "wrote outside the range at row " << r << " column " << c;
        continue;
      }
      double ref = 0, mag = 0;
      for (int64_t i = 0; i < k; ++i) {
        const double t = double(x[size_t(r * ldx + i)]) * weight(c, i);
        ref += t;
        mag += std::abs(t);
      }
      // float32 accumulation of k products: at most about k units of 2^-24 of sum |x w|.
      const double bound = mag * double(k + 2) * std::ldexp(1.0, -24) + 1e-30;
      ASSERT_LE(std::abs(got - ref), bound)
          << "group " << group << " m " << m << " n " << n << " k " << k << " row " << r << " column " << c;
    }
  }
}

class packed_gemm_kernel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!gemv_isa_supported(gemv_isa::avx2)) GTEST_SKIP() << "this CPU lacks AVX2 + FMA";
  }
};

TEST_F(packed_gemm_kernel, every_tile_tail_and_row_block_edge) {
  unsigned seed = 1;
  for (const int64_t m : {1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 143, 144, 145, 300}) {
    check(m, 37, 40, 0, 37, seed++);
  }
}

TEST_F(packed_gemm_kernel, depths_around_transposes_and_panels) {
  unsigned seed = 100;
  for (const int64_t k : {1, 7, 8, 9, 255, 256, 257, 600}) check(13, 33, k, 0, 33, seed++);
}

TEST_F(packed_gemm_kernel, ragged_and_offset_column_ranges) {
  unsigned seed = 200;
  check(9, 1, 24, 0, 1, seed++);
  check(9, 16, 24, 0, 16, seed++);
  check(9, 17, 24, 16, 17, seed++);
  check(20, 64, 300, 16, 37, seed++);
  check(20, 64, 300, 48, 64, seed++);
  check(20, 64, 300, 5, 5, seed++);  // an empty range writes nothing
}

TEST_F(packed_gemm_kernel, int8_rows_with_group_scales) {
  unsigned seed = 300;
  for (const int64_t group : {32, 128}) {
    for (const int64_t k : {8, 40, 256, 300, 600}) check(13, 37, k, 0, 37, seed++, group);
    check(150, 20, 130, 3, 20, seed++, group);
  }
}

}  // namespace
}  // namespace vlserve::model::kernels
