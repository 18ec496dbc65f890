#include <gtest/gtest.h>

#include <cstdlib>

#include "model/device_info.hpp"

using namespace vlserve::model;

TEST(ResolveDtype, ExplicitValuesPassThrough) {
  EXPECT_EQ(resolve_dtype("float32", "cuda"), "float32");
  EXPECT_EQ(resolve_dtype("bfloat16", "cpu"), "bfloat16");
  EXPECT_EQ(resolve_dtype("float16", "cpu"), "float16");
}

TEST(ResolveDtype, AutoIsBf16OnCudaAndOnCpusWithBf16Kernels) {
  EXPECT_EQ(resolve_dtype("auto", "cuda"), "bfloat16");
  EXPECT_EQ(resolve_dtype("auto", "cuda:1"), "bfloat16");
  EXPECT_EQ(resolve_dtype("auto", "cpu"), cpu_has_bf16_kernels() ? "bfloat16" : "float32");
  // Every x86-64 CPU with AVX2 and FMA (this project's machines) has the AVX2 kernel, unless
  // VLSERVE_GEMV=off switches the kernels off.
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
      std::getenv("VLSERVE_GEMV") == nullptr) {
    EXPECT_TRUE(cpu_has_bf16_kernels());
  }
}
