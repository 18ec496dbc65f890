#include "model/serving/memory_check.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "model/checkpoint/checkpoint.hpp"

namespace vlserve::model {
namespace {

std::string gib(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GiB", double(bytes) / double(1ull << 30));
  return buf;
}

}  // namespace

uint64_t estimate_weight_bytes(const std::string& model_dir, const std::string& dtype) {
  uint64_t file_bytes = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(model_dir, ec)) {
    const auto name = entry.path().filename().string();
    if (name.size() > 12 && name.compare(name.size() - 12, 12, ".safetensors") == 0)
      file_bytes += uint64_t(std::filesystem::file_size(entry.path(), ec));  // follows HF cache links
  }
  return dtype == "float32" ? file_bytes * 2 : file_bytes;
}

uint64_t vision_weight_bytes(const std::string& model_dir) {
  const checkpoint ckpt(model_dir);
  uint64_t bytes = 0;
  for (const std::string& name : ckpt.names()) {
    if (name.rfind("model.visual.", 0) == 0) bytes += ckpt.get(name).nbytes;
  }
  return bytes;
}

std::optional<uint64_t> available_memory_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("MemAvailable:", 0) != 0) continue;
    std::istringstream fields(line.substr(13));
    uint64_t kib = 0;
    if (fields >> kib) return kib * 1024;
  }
  return std::nullopt;
}

void check_memory_fits(uint64_t needed, uint64_t available, const std::string& dtype) {
  // 10% (at least 512 MiB) on top for activations, the KV cache and the allocator.
  const uint64_t margin = std::max<uint64_t>(needed / 10, 512ull << 20);
  if (needed + margin <= available) return;
  std::string advice = dtype == "float32" ? "set TORCH_DTYPE=bfloat16 (half the memory), free memory, "
                                            "or use a machine with more RAM"
                                          : "free memory or use a machine with more RAM";
  throw std::runtime_error("the model needs about " + gib(needed + margin) + " in " + dtype + " but only " +
                           gib(available) + " is available: " + advice);
}

}  // namespace vlserve::model
