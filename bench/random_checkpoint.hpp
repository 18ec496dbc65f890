// Writes a Hugging Face style model directory with random weights of a preset shape: config.json,
// generation_config.json, model.safetensors (streamed, so memory stays at one 16 MiB piece) and the
// tokenizer / processor files copied from another model directory.
#pragma once

#include <cstdint>
#include <string>

namespace vlserve::bench {

struct random_checkpoint_options {
  std::string out_dir;
  std::string shape = "2b";        // see shape_preset()
  std::string dtype = "bfloat16";  // bfloat16 | float32
  uint64_t seed = 0;
  std::string tokenizer_from;      // a model dir to copy tokenizer/processor files from; empty = none
  // "fp8": the layout of Qwen's *-FP8 releases: the text decoder's q/k/v/o/gate/up/down and the
  // vision blocks' qkv/proj/fc1/fc2 weights as F8_E4M3 with F32 [ceil(out/128), ceil(in/128)]
  // `*.weight_scale_inv` tensors and config.json quantization_config (quant_method fp8, block
  // [128, 128]); everything else in `dtype`. "none": no quantization.
  std::string quant = "none";
};

struct random_checkpoint_summary {
  int64_t tensors = 0;
  int64_t params = 0;
  uint64_t file_bytes = 0;  // model.safetensors
};

// Throws std::invalid_argument (bad shape/dtype, missing tokenizer.json in tokenizer_from) or
// checkpoint_error / std::runtime_error naming the path that could not be written.
random_checkpoint_summary write_random_checkpoint(const random_checkpoint_options& options);

}  // namespace vlserve::bench
