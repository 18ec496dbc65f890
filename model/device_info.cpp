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
