// config.json of a Qwen3-VL checkpoint as a plain struct. Every number the decoder and vision tower
// use comes from here; defaults apply only to keys the file omits (HF's defaults for qwen3_vl).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vlserve::model {

struct text_config {
  int64_t hidden_size = 0;
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;
  int64_t num_key_value_heads = 0;
  int64_t head_dim = 0;  // hidden_size / num_attention_heads when absent
  int64_t intermediate_size = 0;
  int64_t vocab_size = 0;
  double rms_norm_eps = 1e-6;
  double rope_theta = 5000000.0;
  std::vector<int64_t> mrope_section{24, 20, 20};  // (t, h, w) rotary frequency counts
  bool mrope_interleaved = true;
  bool tie_word_embeddings = true;
  int64_t max_position_embeddings = 262144;
  bool attention_bias = false;
  std::string hidden_act = "silu";
  int64_t bos_token_id = -1;
  int64_t eos_token_id = -1;
};

struct vision_config {
  int64_t depth = 0;
  int64_t hidden_size = 0;
  int64_t num_heads = 0;
  int64_t intermediate_size = 0;
  std::string hidden_act = "gelu_pytorch_tanh";
  int64_t in_channels = 3;
  int64_t patch_size = 16;
  int64_t temporal_patch_size = 2;
  int64_t spatial_merge_size = 2;
  int64_t num_position_embeddings = 2304;
  int64_t out_hidden_size = 0;
  std::vector<int64_t> deepstack_visual_indexes;
};

// config.json `quantization_config` of a pre-quantized checkpoint. Only block-wise FP8 is read
// (quant_method "fp8", fmt "e4m3", activation_scheme "dynamic": the layout of Qwen's *-FP8
// releases and DeepSeek-V3); any other method is refused when the config is parsed. Which modules
// stay in bf16 (modules_to_not_convert) is also visible per tensor: the loaders follow each
// tensor's own dtype (F8_E4M3 or not), so the list is kept for reference, not consulted.
struct quantization_config {
  std::string quant_method;  // "" when the checkpoint is not quantized, else "fp8"
  std::vector<int64_t> weight_block_size{128, 128};  // [rows, columns] per weight_scale_inv entry
  std::vector<std::string> modules_to_not_convert;
  bool fp8() const { return quant_method == "fp8"; }
};

struct model_config {
  std::string model_type;  // "qwen3_vl"
  quantization_config quantization;
  text_config text;
  vision_config vision;
  bool has_vision = false;  // vision_config present
  int64_t image_token_id = 151655;
  int64_t video_token_id = 151656;
  int64_t vision_start_token_id = 151652;
  int64_t vision_end_token_id = 151653;
};

// Parses config.json text; `source` names the file in errors. Throws checkpoint_error on malformed
// JSON, wrong types, and values the decoder cannot run (non-positive sizes, heads not dividing,
// mrope_section not summing to head_dim/2).
model_config parse_model_config(const std::string& json, const std::string& source);
// Reads <dir>/config.json.
model_config load_model_config(const std::string& model_dir);

}  // namespace vlserve::model
