// `vlserve bench`: prompt and decode throughput of the engine next to the machine's limits measured
// in the same run (memory bandwidth for decode, GEMM peak for prefill), as a table and a JSON line.
// The machines are shared: numbers are medians, and the load average is printed with them.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>

#include "bench/median.hpp"
#include "cli/bench_args.hpp"
#include "cli/bench_report.hpp"
#include "cli/commands.hpp"
#include "model/device_info.hpp"
#include "model/text/engine.hpp"
#include "model/text/weight_quant.hpp"
#include "model/tokenizer/tokenizer.hpp"
#include "model/vision/tower/tower_timing.hpp"

namespace vlserve::cli {
namespace {

const char* const k_usage_line =
    "usage: vlserve bench --model DIR [--dtype bfloat16|float32] [--device cpu|cuda] "
    "[--batches 1,4,8] [--prompt 512[,2048,...]] [--chunk 512] [--decode 32] [--context 64] [--repeat 5] "
    "[--bandwidth-mib 256] [--quant none|int8|fp8] [--vision 1x30x40[,8x30x40,...]] "
    "[--vision-dtype auto|bfloat16|float16|float32]";

struct bench_args {
  std::string model_dir, dtype = "bfloat16", device = "cpu", quant = "none";
  std::string vision_dtype = "auto";  // as VISION_DTYPE
  std::vector<int64_t> batches{1, 4, 8};
  std::vector<int64_t> prompts{512};
  bench::engine_bench_options run;
  size_t bandwidth_bytes = size_t(256) << 20;
  std::vector<model::vision::grid_thw> vision;  // --vision: tower grids (frames/2 x rows x columns)
};

// "1x30x40,8x30x40": up to 8 grids of t x h x w patches (h, w even: the 2x2 merge).
std::vector<model::vision::grid_thw> parse_grids(const std::string& text) {
  std::vector<model::vision::grid_thw> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string one = text.substr(start, comma - start);
    const size_t x1 = one.find('x'), x2 = one.find('x', x1 == std::string::npos ? x1 : x1 + 1);
    if (x1 == std::string::npos || x2 == std::string::npos)
      throw std::invalid_argument("--vision takes grids like 1x30x40 (t x h x w patches), got '" + one + "'");
    model::vision::grid_thw g{parse_int("--vision", one.substr(0, x1), 1, 64),
                              parse_int("--vision", one.substr(x1 + 1, x2 - x1 - 1), 2, 256),
                              parse_int("--vision", one.substr(x2 + 1), 2, 256)};
    if (g.h % 2 || g.w % 2) throw std::invalid_argument("--vision grids need even h and w (2x2 merge), got '" + one + "'");
    out.push_back(g);
    if (out.size() > 8) throw std::invalid_argument("--vision lists more than 8 grids");
    start = comma + 1;
  }
  return out;
}

bench_args parse_args(const std::vector<std::string>& args) {
  const auto f = parse_flags(args, {"--model", "--dtype", "--device", "--batches", "--prompt", "--chunk",
                                    "--decode", "--context", "--repeat", "--bandwidth-mib", "--quant", "--vision",
                                    "--vision-dtype"});
  bench_args b;
  if (!f.count("--model")) throw std::invalid_argument("--model is required");
  b.model_dir = f.at("--model");
  if (f.count("--dtype")) b.dtype = f.at("--dtype");
  if (f.count("--device")) b.device = f.at("--device");
  if (f.count("--batches")) b.batches = parse_int_list("--batches", f.at("--batches"), 1, 256);
  if (f.count("--prompt")) b.prompts = parse_int_list("--prompt", f.at("--prompt"), 1, 32768);
  if (f.count("--chunk")) b.run.prefill_chunk = parse_int("--chunk", f.at("--chunk"), 0, 32768);
  if (f.count("--decode")) b.run.decode_tokens = parse_int("--decode", f.at("--decode"), 1, 4096);
  if (f.count("--context")) b.run.decode_context = parse_int("--context", f.at("--context"), 1, 4096);
  if (f.count("--repeat")) b.run.repeat = int(parse_int("--repeat", f.at("--repeat"), 1, 1000));
  if (f.count("--quant")) b.quant = std::string(model::weight_quant_name(model::parse_weight_quant(f.at("--quant"))));
  if (f.count("--vision")) b.vision = parse_grids(f.at("--vision"));
  if (f.count("--vision-dtype")) {
    b.vision_dtype = f.at("--vision-dtype");
    if (b.vision_dtype != "auto" && b.vision_dtype != "bfloat16" && b.vision_dtype != "float16" &&
        b.vision_dtype != "float32")
      throw std::invalid_argument("--vision-dtype takes auto, bfloat16, float16 or float32, got '" +
                                  b.vision_dtype + "'");
  }
  if (f.count("--bandwidth-mib"))
    b.bandwidth_bytes = size_t(parse_int("--bandwidth-mib", f.at("--bandwidth-mib"), 1, 16384)) << 20;
  return b;
}

std::string load_average() {
  std::ifstream f("/proc/loadavg");
  std::string line;
  std::getline(f, line);
  return line.empty() ? "unknown" : line;
}

bench::bandwidth_result bandwidth(const bench_args& a) {
  bench::bandwidth_options o;
  o.array_bytes = a.bandwidth_bytes;
  o.repeat = std::max(a.run.repeat, 3);
  return bench::measure_memory_bandwidth(o);
}

// The tower in the dtype the server would give it (VISION_DTYPE rules, --vision-dtype) on each
// grid, next to tower-shaped GEMM peaks of the same run.
void bench_vision(const bench_args& a, bench_report& r) {
  std::cerr << "bench: loading the vision tower...\n";
  const model::vision::vision_tower tower(
      a.model_dir, {a.device, model::resolve_vision_dtype(a.vision_dtype, r.dtype, a.device), r.dtype});
  r.vision_dtype = tower.dtype();
  std::cerr << "bench: tower-shaped GEMM peaks...\n";
  model::gemm_options g;
  g.device = a.device;
  g.m = 1024;  // about one 640x480 image's patch rows
  g.k = 1024;
  g.n = 4096;
  g.repeat = a.run.repeat;
  g.dtype = "float32";
  r.vision_gemm_f32 = model::measure_gemm_peak(g);
  // A float32 tower's own-dtype peak is the float32 one: measured once.
  g.dtype = r.vision_dtype;
  r.vision_gemm_dtype = g.dtype == "float32" ? r.vision_gemm_f32 : model::measure_gemm_peak(g);
  for (const auto& grid : a.vision) {
    std::cerr << "bench: vision tower on " << grid.t << "x" << grid.h << "x" << grid.w << "...\n";
    r.vision.push_back({grid, bench::median(model::vision::time_tower(tower, grid, std::min(a.run.repeat, 100))),
                        model::vision::tower_flops(tower.config(), grid)});
  }
}

bench_report run_bench(const bench_args& a) {
  bench_report r;
  r.model_dir = a.model_dir;
  r.settings = a.run;
  r.threads = model::compute_threads();
  r.load_before = load_average();
  std::cerr << "bench: memory bandwidth...\n";
  r.bandwidth_before = bandwidth(a);

  model::engine_options eo;
  eo.dtype = a.dtype;
  eo.device = a.device;
  eo.max_sequences = 256;
  if (a.quant != "none") {
    // The same decode on unquantized weights first, so the 8-bit speed-up is read off one run.
    std::cerr << "bench: loading " << a.model_dir << " with unquantized weights for the baseline...\n";
    model::text_engine baseline(a.model_dir, eo);
    r.baseline_weights = bench::decode_weight_traffic(a.model_dir, baseline.dtype());
    for (int64_t b : a.batches) {
      std::cerr << "bench: baseline decode at batch " << b << "...\n";
      r.baseline_decode.push_back(bench::bench_decode(baseline, b, a.run));
    }
  }
  eo.weight_quant = a.quant;
  r.weight_quant = a.quant;
  std::cerr << "bench: loading " << a.model_dir << " (WEIGHT_QUANT=" << a.quant << ")...\n";
  // Room for the longest prompt asked for (the engine's default bound is 8,192 tokens).
  for (int64_t p : a.prompts) eo.max_context = std::max(eo.max_context, p + 1);
  const auto t0 = std::chrono::steady_clock::now();
  model::text_engine engine(a.model_dir, eo);
  r.load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.device = engine.device();
  r.dtype = engine.dtype();
  r.weights = bench::decode_weight_traffic(a.model_dir, r.dtype, a.quant != "none");

  std::cerr << "bench: GEMM peak...\n";
  model::gemm_options g;
  g.dtype = r.dtype;
  g.device = r.device;
  // The default shape (512 x 2048 -> 6144) is the 2B MLP's; a fixed large product measures the
  // backend's peak even for a tiny test model.
  g.repeat = a.run.repeat;
  r.gemm = model::measure_gemm_peak(g);
  // The bound is the better of the engine's own product and the float32 BLAS at the same shape:
  // a bound that only timed the engine's kernel would move with the kernel it is meant to judge.
  if (r.dtype == "float32") {
    r.gemm_f32 = r.gemm;
  } else {
    g.dtype = "float32";
    r.gemm_f32 = model::measure_gemm_peak(g);
  }

  for (int64_t p : a.prompts) {
    std::cerr << "bench: prefill of " << p << " tokens...\n";
    bench::engine_bench_options o = a.run;
    o.prompt_tokens = p;
    r.prefill.push_back(bench::bench_prefill(engine, o));
  }
  for (int64_t b : a.batches) {
    std::cerr << "bench: decode at batch " << b << "...\n";
    r.decode.push_back(bench::bench_decode(engine, b, a.run));
  }
  std::cerr << "bench: token mask cost...\n";
  r.mask = bench::bench_mask_cost(model::tokenizer::load(a.model_dir + "/tokenizer.json"),
                                  std::size_t(engine.vocab_size()), 20);
  if (!a.vision.empty()) bench_vision(a, r);
  r.bandwidth_after = bandwidth(a);
  r.load_after = load_average();
  return r;
}

}  // namespace

const char* bench_usage() {
  static const std::string text =
      std::string(k_usage_line) +
      "\nTimes prefill per prompt length and decode per batch size on a model directory, next to the "
      "memory bandwidth and GEMM peak measured in the same run; prints a table and one JSON line.";
  return text.c_str();
}

int bench_command(std::vector<std::string> args) {
  bench_args a;
  try {
    a = parse_args(args);
  } catch (const std::exception& e) {
    std::cerr << "vlserve bench: " << e.what() << "\n" << k_usage_line << "\n";
    return 2;
  }
  try {
    model::set_compute_threads(0);
    const bench_report r = run_bench(a);
    print_table(std::cout, r);
    print_json_line(std::cout, r);
    return 0;
  } catch (const std::invalid_argument& e) {
    std::cerr << "vlserve bench: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "vlserve bench: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace vlserve::cli
