#include <gtest/gtest.h>

#include "model/device_info.hpp"

using namespace vlserve::model;

TEST(ResolveDtype, ExplicitValuesPassThrough) {
  EXPECT_EQ(resolve_dtype("float32", "cuda"), "float32");
  EXPECT_EQ(resolve_dtype("bfloat16", "cpu"), "bfloat16");
  EXPECT_EQ(resolve_dtype("float16", "cpu"), "float16");
}

TEST(ResolveDtype, AutoIsBf16OnCudaAndOnCpusWithFastBf16) {
  EXPECT_EQ(resolve_dtype("auto", "cuda"), "bfloat16");
  EXPECT_EQ(resolve_dtype("auto", "cuda:1"), "bfloat16");
  EXPECT_EQ(resolve_dtype("auto", "cpu"), cpu_has_avx512_bf16() ? "bfloat16" : "float32");
}
