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
  // Decided from the CPU's own feature flags, not from the function under test: AVX2+FMA or
  // AVX512-BF16 have a bf16 kernel (unless VLSERVE_GEMV=off switches the kernels off).
  const bool kernels = std::getenv("VLSERVE_GEMV") == nullptr &&
                       ((__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ||
                        __builtin_cpu_supports("avx512bf16"));
  EXPECT_EQ(resolve_dtype("auto", "cpu"), kernels ? "bfloat16" : "float32");
}

TEST(ResolveVisionDtype, ExplicitValuesPassThrough) {
  EXPECT_EQ(resolve_vision_dtype("bfloat16", "float32", "cpu"), "bfloat16");
  EXPECT_EQ(resolve_vision_dtype("float32", "bfloat16", "cuda"), "float32");
  EXPECT_EQ(resolve_vision_dtype("float16", "bfloat16", "cpu"), "float16");
}

TEST(ResolveVisionDtype, AutoFollowsTheEngineExceptBf16OnCpusWithoutNativeBf16) {
  EXPECT_EQ(resolve_vision_dtype("auto", "bfloat16", "cuda"), "bfloat16");
  EXPECT_EQ(resolve_vision_dtype("auto", "float16", "cuda:0"), "float16");
  EXPECT_EQ(resolve_vision_dtype("auto", "float32", "cpu"), "float32");
  // Decided from the CPU's own flags: with AVX512-BF16 (and the kernels on) the bf16 GEMM is
  // native and the tower stays in bf16; without it, it runs in float32.
  const bool native = std::getenv("VLSERVE_GEMV") == nullptr && __builtin_cpu_supports("avx512bf16");
  EXPECT_EQ(resolve_vision_dtype("auto", "bfloat16", "cpu"), native ? "bfloat16" : "float32");
  EXPECT_EQ(resolve_vision_dtype("auto", "bf16", "cpu"), native ? "bf16" : "float32");
}
