#include "model/device_info.hpp"

#include <torch/torch.h>

#include <thread>

namespace vlserve::model {

void set_compute_threads(int threads) {
  const int n = threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(n);
}

int compute_threads() { return torch::get_num_threads(); }

bool cuda_available() { return torch::cuda::is_available(); }

bool cpu_has_avx512_bf16() {
#if defined(__x86_64__)
  return __builtin_cpu_supports("avx512bf16");
#else
  return false;
#endif
}

std::string resolve_dtype(const std::string& torch_dtype, const std::string& device) {
  if (torch_dtype != "auto") return torch_dtype;
  if (device.rfind("cuda", 0) == 0 || cpu_has_avx512_bf16()) return "bfloat16";
  return "float32";
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
