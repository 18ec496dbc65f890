#include "model/text/torch_util.hpp"

#include <cstring>
#include <stdexcept>
#include <vector>

#include "model/checkpoint/checkpoint_error.hpp"
#include "model/text/kernels/bf16_linear.hpp"
#include "model/text/kernels/split_gemm.hpp"
#include "model/text/kernels/packed_linear.hpp"

namespace vlserve::model {

at::Device parse_device(const std::string& name) {
  if (name == "cpu") return at::Device(at::kCPU);
  if (name == "cuda") return at::Device(at::kCUDA, 0);
  if (name.rfind("cuda:", 0) == 0 && name.size() > 5 && name.size() < 9 &&
      name.find_first_not_of("0123456789", 5) == std::string::npos) {
    return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(std::stoi(name.substr(5))));
  }
  throw std::invalid_argument("device '" + name + "' is not one of cpu, cuda, cuda:N");
}

at::ScalarType parse_compute_dtype(const std::string& name) {
  if (name == "float32" || name == "fp32" || name == "float") return at::kFloat;
  if (name == "bfloat16" || name == "bf16" || name == "auto") return at::kBFloat16;
  if (name == "float16" || name == "fp16" || name == "half") return at::kHalf;
  throw std::invalid_argument("dtype '" + name + "' is not one of float32, bfloat16, float16, auto");
}

std::string dtype_name(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return "float32";
    case at::kBFloat16: return "bfloat16";
    case at::kHalf: return "float16";
    default: return c10::toString(t);
  }
}

namespace {

at::ScalarType torch_type_of(const tensor_view& v) {
  switch (v.dtype) {
    case st_dtype::boolean: return at::kBool;
    case st_dtype::u8: return at::kByte;
    case st_dtype::i8: return at::kChar;
    case st_dtype::i16: return at::kShort;
    case st_dtype::f16: return at::kHalf;
    case st_dtype::bf16: return at::kBFloat16;
    case st_dtype::i32: return at::kInt;
    case st_dtype::f32: return at::kFloat;
    case st_dtype::i64: return at::kLong;
    case st_dtype::f64: return at::kDouble;
    default:
      throw checkpoint_error("tensor '" + v.name + "' in " + v.file + " has dtype " +
                             std::string(st_dtype_name(v.dtype)) + ", which this build cannot load");
  }
}

}  // namespace

at::Tensor tensor_from_view(const tensor_view& v, const at::TensorOptions& options) {
  // Copy into an aligned CPU tensor first: offsets inside a safetensors file need not be aligned.
  at::Tensor host = at::empty(v.shape, at::TensorOptions().dtype(torch_type_of(v)));
  if (v.nbytes != size_t(host.nbytes())) {
    throw checkpoint_error("tensor '" + v.name + "' in " + v.file + " has an inconsistent byte size");
  }
  if (v.nbytes > 0) std::memcpy(host.data_ptr(), v.data, v.nbytes);
  return host.to(options.device(), options.dtype().toScalarType(), /*non_blocking=*/false,
                 /*copy=*/false);
}

namespace {

bool blocked(const at::Tensor& t, compute_mode mode) {
  return mode.batch_invariant && t.scalar_type() == at::kFloat && t.is_cpu();
}

// Applies `op` to row blocks of exactly k_invariant_rows (dim `dim` of x), zero-padding the last.
template <typename Op>
at::Tensor by_row_blocks(const at::Tensor& x, int64_t dim, Op op) {
  const int64_t rows = x.size(dim);
  const int64_t padded = (rows + k_invariant_rows - 1) / k_invariant_rows * k_invariant_rows;
  at::Tensor xp = x;
  if (padded != rows) {
    std::vector<int64_t> shape = x.sizes().vec();
    shape[size_t(dim)] = padded - rows;
    xp = at::cat({x, at::zeros(shape, x.options())}, dim);
  }
  std::vector<at::Tensor> parts;
  for (int64_t r = 0; r < padded; r += k_invariant_rows) {
    parts.push_back(op(xp.narrow(dim, r, k_invariant_rows).contiguous()));
  }
  const at::Tensor out = at::cat(parts, dim);
  return padded == rows ? out : out.narrow(dim, 0, rows).contiguous();
}

}  // namespace

at::Tensor dense(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                 compute_mode mode) {
  if (blocked(x, mode)) {
    return by_row_blocks(x, 0, [&](const at::Tensor& b) { return at::linear(b, weight, bias); });
  }
  // bf16 weights on CPU: for decode steps libtorch streams the weights at about half the memory
  // bandwidth, the GEMV kernel close to all of it. Prompt chunks (9+ rows) without AVX512-BF16,
  // where libtorch's bf16 GEMM falls back to ~1 GFLOP/s: the packed AVX2 GEMM.
  if (kernels::packed_linear_applicable(x, weight, bias)) return kernels::packed_linear(x, weight, bias);
  if (kernels::gemv_linear_applicable(x, weight, bias)) return kernels::gemv_linear(x, weight, bias);
  // float32 on CPU: on the OpenMP threads, OpenBLAS single-threaded (kernels/split_gemm.hpp).
  if (kernels::split_linear_applicable(x, weight, bias)) return kernels::split_linear(x, weight, bias);
  if (x.dim() == 2 && x.size(0) == 1 && x.scalar_type() == at::kFloat && x.is_cpu()) {
    at::Tensor y = at::mv(weight, x[0]).unsqueeze(0);
    return bias.defined() ? y + bias : y;
  }
  return at::linear(x, weight, bias);
}

at::Tensor batched_matmul(const at::Tensor& a, const at::Tensor& b, compute_mode mode) {
  if (blocked(a, mode)) {
    return by_row_blocks(a, 1, [&](const at::Tensor& blk) { return at::bmm(blk, b); });
  }
  return matmul_f32_on_cpu(a, b);
}

at::Tensor matmul_f32_on_cpu(const at::Tensor& a, const at::Tensor& b) {
  if (!a.is_cpu() || a.scalar_type() == at::kFloat) return at::matmul(a, b);
  return at::matmul(a.to(at::kFloat), b.to(at::kFloat)).to(a.scalar_type());
}

at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps) {
  const at::Tensor xf = x.to(at::kFloat);
  const at::Tensor var = xf.pow(2).mean(-1, /*keepdim=*/true);
  const at::Tensor y = (xf * at::rsqrt(var + eps)).to(x.scalar_type());
  return weight * y;
}

}  // namespace vlserve::model
