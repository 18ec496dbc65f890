#include "model/device_info.hpp"

#include <torch/torch.h>

#include <thread>

#include "model/text/kernels/bf16_linear.hpp"
#include "model/text/kernels/split_gemm.hpp"
#include "model/text/torch_util.hpp"

namespace vlserve::model {

void set_compute_threads(int threads) {
  const int n = threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(n);
  kernels::single_threaded_blas();  // one thread pool: OpenBLAS runs inside the OpenMP threads
}

int compute_threads() { return torch::get_num_threads(); }

bool cuda_available() { return torch::cuda::is_available(); }

bool cpu_has_bf16_kernels() { return kernels::gemv_linear_isa() != kernels::gemv_isa::none; }

std::string resolve_dtype(const std::string& torch_dtype, const std::string& device) {
  if (torch_dtype != "auto") return torch_dtype;
  if (device.rfind("cuda", 0) == 0 || cpu_has_bf16_kernels()) return "bfloat16";
  return "float32";
}

std::string resolve_vision_dtype(const std::string& vision_dtype, const std::string& engine_dtype,
                                 const std::string& device) {
  if (vision_dtype != "auto") return vision_dtype;
  const bool cpu = device.rfind("cuda", 0) != 0;
  if (cpu && parse_compute_dtype(engine_dtype) == at::kBFloat16 &&
      kernels::gemv_linear_isa() != kernels::gemv_isa::avx512_bf16) {
    return "float32";
  }
  return engine_dtype;
}

std::string backend_description() {
  std::string s = "libtorch " TORCH_VERSION;
  if (cuda_available()) {
    s += ", CUDA devices: " + std::to_string(torch::cuda::device_count());
  } else {
    s += ", CPU";
  }
  return s;
}

}  // namespace vlserve::model
