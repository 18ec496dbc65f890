// Before loading: will the weights fit in the memory this machine has free? Loading a model that
// does not fit ends in the OOM killer; a clear message before that is better.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace vlserve::model {

// Bytes the weights will take in `dtype` (float32 doubles the usual bf16/f16 checkpoint files):
// the sizes of the *.safetensors files in model_dir, scaled by dtype size / 2.
uint64_t estimate_weight_bytes(const std::string& model_dir, const std::string& dtype);

// Bytes of the vision tower's tensors (`model.visual.*`) as stored in the checkpoint: what a float32
// tower beside a bf16/f16 engine (VISION_DTYPE) takes on top of the estimate above. Throws
// checkpoint_error on an unreadable checkpoint.
uint64_t vision_weight_bytes(const std::string& model_dir);

// MemAvailable from /proc/meminfo, or nullopt where it cannot be read.
std::optional<uint64_t> available_memory_bytes();

// Throws std::runtime_error saying how much is needed, how much is free and what to do, when
// needed (plus a margin for activations and the KV cache) exceeds available.
void check_memory_fits(uint64_t needed, uint64_t available, const std::string& dtype);

}  // namespace vlserve::model
