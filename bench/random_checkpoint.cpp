#include "bench/random_checkpoint.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "bench/checkpoint_shape.hpp"
#include "bench/random_fill.hpp"
#include "model/checkpoint/safetensors_writer.hpp"

namespace vlserve::bench {
namespace fs = std::filesystem;
namespace {

// Files a serving directory needs besides the weights; tokenizer.json is the only required one.
const char* const k_copied_files[] = {
    "tokenizer.json",           "tokenizer_config.json",          "chat_template.json",
    "preprocessor_config.json", "video_preprocessor_config.json",
};

model::st_dtype parse_dtype(const std::string& name) {
  if (name == "bfloat16" || name == "bf16") return model::st_dtype::bf16;
  if (name == "float32" || name == "fp32") return model::st_dtype::f32;
  throw std::invalid_argument("random checkpoint dtype '" + name + "' (use bfloat16 or float32)");
}

// The weights Qwen's FP8 checkpoints store as FP8: the decoder's projections and the vision
// blocks' linear layers (the embeddings, norms, patch embedding and mergers stay in bf16).
bool stored_as_fp8(const std::string& name) {
  auto ends_with = [&](const char* tail) {
    const std::string t(tail);
    return name.size() >= t.size() && name.compare(name.size() - t.size(), t.size(), t) == 0;
  };
  if (name.rfind("model.language_model.layers.", 0) == 0) return ends_with("_proj.weight");
  if (name.rfind("model.visual.blocks.", 0) == 0) {
    return ends_with("attn.qkv.weight") || ends_with("attn.proj.weight") ||
           ends_with("mlp.linear_fc1.weight") || ends_with("mlp.linear_fc2.weight");
  }
  return false;
}

void add_fp8_weight(model::safetensors_writer& writer, const tensor_spec& t, random_fill fill) {
  fill.dtype = model::st_dtype::f8_e4m3;
  fill.columns = t.shape[1];
  writer.add_generated(t.name, model::st_dtype::f8_e4m3, t.shape, fill);
  const int64_t rows = (t.shape[0] + k_random_fp8_block - 1) / k_random_fp8_block;
  const int64_t cols = (t.shape[1] + k_random_fp8_block - 1) / k_random_fp8_block;
  std::vector<float> scales(size_t(rows * cols));
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) scales[size_t(r * cols + c)] = random_fp8_block_scale(fill.stddev, r, c);
  }
  writer.add_f32(t.name + "_scale_inv", {rows, cols}, scales);
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.flush();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string generation_config_json(const model::model_config& cfg) {
  const std::string bos = std::to_string(cfg.text.bos_token_id);
  const std::string eos = std::to_string(cfg.text.eos_token_id);
  return "{\n  \"bos_token_id\": " + bos + ",\n  \"do_sample\": true,\n  \"eos_token_id\": [" + eos +
         ", " + bos + "],\n  \"pad_token_id\": " + bos +
         ",\n  \"top_k\": 20,\n  \"top_p\": 0.95\n}\n";
}

void copy_tokenizer_files(const fs::path& from, const fs::path& to) {
  if (!fs::is_regular_file(from / "tokenizer.json"))
    throw std::invalid_argument("--tokenizer-from " + from.string() + " has no tokenizer.json");
  for (const char* name : k_copied_files) {
    if (!fs::is_regular_file(from / name)) continue;
    fs::copy_file(from / name, to / name, fs::copy_options::overwrite_existing);
  }
}

}  // namespace

random_checkpoint_summary write_random_checkpoint(const random_checkpoint_options& options) {
  if (options.out_dir.empty()) throw std::invalid_argument("random checkpoint: no output directory");
  model::model_config cfg = shape_preset(options.shape);
  const model::st_dtype dtype = parse_dtype(options.dtype);
  if (options.quant != "none" && options.quant != "fp8") {
    throw std::invalid_argument("random checkpoint quantization '" + options.quant + "' (use none or fp8)");
  }
  const bool fp8 = options.quant == "fp8";
  if (fp8) {
    cfg.quantization.quant_method = "fp8";
    cfg.quantization.weight_block_size = {k_random_fp8_block, k_random_fp8_block};
    cfg.quantization.modules_to_not_convert = {"lm_head", "model.visual.merger",
                                               "model.visual.deepstack_merger_list", "model.visual.patch_embed"};
  }
  const fs::path out(options.out_dir);
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) throw std::runtime_error("cannot create " + out.string() + ": " + ec.message());
  if (!options.tokenizer_from.empty()) copy_tokenizer_files(options.tokenizer_from, out);

  model::safetensors_writer writer;
  writer.set_metadata("format", "pt");
  random_checkpoint_summary summary;
  for (const tensor_spec& t : checkpoint_tensors(cfg)) {
    int64_t numel = 1;
    for (int64_t d : t.shape) numel *= d;
    summary.params += numel;
    random_fill fill;
    fill.seed = options.seed;
    fill.name = t.name;
    fill.init = t.init;
    fill.dtype = dtype;
    if (fp8 && stored_as_fp8(t.name)) {
      add_fp8_weight(writer, t, fill);
      ++summary.tensors;  // its weight_scale_inv
    } else {
      writer.add_generated(t.name, dtype, t.shape, fill);
    }
    ++summary.tensors;
  }
  writer.write((out / "model.safetensors").string());
  summary.file_bytes = fs::file_size(out / "model.safetensors");
  // config.json last: a directory with a config is a complete one.
  write_text(out / "generation_config.json", generation_config_json(cfg));
  write_text(out / "config.json", config_json(cfg, dtype == model::st_dtype::bf16 ? "bfloat16" : "float32"));
  return summary;
}

}  // namespace vlserve::bench
