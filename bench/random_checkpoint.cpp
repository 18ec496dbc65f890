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
  const model::model_config cfg = shape_preset(options.shape);
  const model::st_dtype dtype = parse_dtype(options.dtype);
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
    writer.add_generated(t.name, dtype, t.shape, fill);
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
