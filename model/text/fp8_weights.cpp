#include "model/text/fp8_weights.hpp"

#include <ATen/Parallel.h>

#include <array>
#include <cstring>

#include "model/checkpoint/checkpoint_error.hpp"
#include "model/checkpoint/fp8_e4m3.hpp"
#include "model/text/torch_util.hpp"

namespace vlserve::model {

bool stored_as_fp8(const checkpoint& ckpt, const std::string& name) {
  const auto v = ckpt.find(name);
  return v && v->dtype == st_dtype::f8_e4m3;
}

at::Tensor dequantize_fp8_blocks(const uint8_t* fp8, int64_t rows, int64_t cols, const at::Tensor& scale_inv,
                                 const std::vector<int64_t>& block) {
  // All 256 codes decoded once; a lookup per weight.
  std::array<float, 256> table{};
  for (int b = 0; b < 256; ++b) table[size_t(b)] = e4m3fn_to_float(uint8_t(b));
  const at::Tensor s = scale_inv.to(at::kFloat).contiguous();
  const float* scale = s.data_ptr<float>();
  const int64_t scale_cols = s.size(1);
  at::Tensor out = at::empty({rows, cols}, at::kFloat);
  float* dst = out.data_ptr<float>();
  at::parallel_for(0, rows, 16, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* srow = scale + (r / block[0]) * scale_cols;
      for (int64_t c = 0; c < cols; ++c) {
        dst[r * cols + c] = table[fp8[r * cols + c]] * srow[c / block[1]];
      }
    }
  });
  return out;
}

at::Tensor take_weight(tensor_claims& claims, const std::string& name,
                       const std::vector<int64_t>& shape, const quantization_config& q,
                       const at::TensorOptions& options) {
  const tensor_view v = claims.take(name, shape);
  if (v.dtype != st_dtype::f8_e4m3) return tensor_from_view(v, options);
  if (!q.fp8()) {
    throw checkpoint_error("tensor '" + name + "' in " + v.file +
                           " is F8_E4M3 but config.json has no quantization_config with quant_method "
                           "\"fp8\" (needed for its block size)");
  }
  if (shape.size() != 2) {
    throw checkpoint_error("tensor '" + name + "' in " + v.file + " is F8_E4M3 but not a 2-D weight");
  }
  const std::vector<int64_t>& block = q.weight_block_size;
  const std::vector<int64_t> scale_shape{(shape[0] + block[0] - 1) / block[0],
                                         (shape[1] + block[1] - 1) / block[1]};
  const tensor_view sv = claims.take(name + "_scale_inv", scale_shape);
  if (sv.dtype != st_dtype::f32 && sv.dtype != st_dtype::bf16) {
    throw checkpoint_error("tensor '" + sv.name + "' in " + sv.file + " must be F32 or BF16, is " +
                           std::string(st_dtype_name(sv.dtype)));
  }
  // The mapped bytes may sit at any offset; copy them once before reading.
  std::vector<uint8_t> bytes(v.nbytes);
  std::memcpy(bytes.data(), v.data, v.nbytes);
  return dequantize_fp8_blocks(bytes.data(), shape[0], shape[1],
                               tensor_from_view(sv, at::TensorOptions().dtype(at::kFloat)), block)
      .to(options.device(), options.dtype().toScalarType());
}

}  // namespace vlserve::model
