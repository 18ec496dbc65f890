// What the compute backend offers: threads and accelerators. Torch stays behind this header.
#pragma once

#include <string>

namespace vlserve::model {

// Sets libtorch's intra-op threads (0 = every core; libtorch defaults to half of them here).
void set_compute_threads(int threads);
int compute_threads();
bool cuda_available();
// "libtorch 1.13.1, CPU" or with the CUDA device count.
std::string backend_description();

}  // namespace vlserve::model
