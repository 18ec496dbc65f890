// `vlserve random-checkpoint`: writes a model directory with random weights of a preset shape, for
// benchmarks (speed depends on shapes, not values) and tests. See bench/random_checkpoint.hpp.
#include <iostream>
#include <stdexcept>
#include <string>

#include "cli/bench_args.hpp"
#include "cli/commands.hpp"
#include "bench/random_checkpoint.hpp"

namespace vlserve::cli {
namespace {

const char* const k_usage_line =
    "usage: vlserve random-checkpoint --out DIR [--shape 2b|tiny] [--seed N] "
    "[--dtype bfloat16|float32] [--quant none|fp8] [--tokenizer-from MODEL_DIR]";

bench::random_checkpoint_options parse_options(const std::vector<std::string>& args) {
  const auto flags =
      parse_flags(args, {"--out", "--shape", "--seed", "--dtype", "--quant", "--tokenizer-from"});
  bench::random_checkpoint_options o;
  if (!flags.count("--out")) throw std::invalid_argument("--out is required");
  o.out_dir = flags.at("--out");
  if (flags.count("--shape")) o.shape = flags.at("--shape");
  if (flags.count("--dtype")) o.dtype = flags.at("--dtype");
  if (flags.count("--quant")) o.quant = flags.at("--quant");
  if (flags.count("--tokenizer-from")) o.tokenizer_from = flags.at("--tokenizer-from");
  if (flags.count("--seed")) o.seed = uint64_t(parse_int("--seed", flags.at("--seed"), 0, INT64_MAX));
  return o;
}

}  // namespace

const char* random_checkpoint_usage() {
  static const std::string text =
      std::string(k_usage_line) +
      "\nWrites a checkpoint with random weights of the real 2B shapes (or the tiny test shapes), for "
      "bench and tests; --quant fp8 writes the layout of Qwen's FP8 releases (F8_E4M3 projections "
      "with 128x128 block scales); --tokenizer-from copies a tokenizer in.";
  return text.c_str();
}

int random_checkpoint_command(std::vector<std::string> args) {
  bench::random_checkpoint_options options;
  try {
    options = parse_options(args);
  } catch (const std::exception& e) {
    std::cerr << "vlserve random-checkpoint: " << e.what() << "\n" << k_usage_line << "\n";
    return 2;
  }
  try {
    std::cerr << "writing a random " << options.shape << " checkpoint (" << options.dtype << ") to "
              << options.out_dir << "\n";
    const auto s = bench::write_random_checkpoint(options);
    std::cout << "wrote " << options.out_dir << ": " << s.tensors << " tensors, " << s.params
              << " parameters, model.safetensors " << s.file_bytes << " bytes\n";
    return 0;
  } catch (const std::invalid_argument& e) {
    std::cerr << "vlserve random-checkpoint: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "vlserve random-checkpoint: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace vlserve::cli
