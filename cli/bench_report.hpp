// What `vlserve bench` measured, and its two renderings: a table for people and one JSON line
// (the last line on stdout) for scripts that compare runs.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "bench/engine_bench.hpp"
#include "model/text/gemm_peak.hpp"
#include "bench/mask_bench.hpp"
#include "bench/memory_bandwidth.hpp"
#include "bench/weight_traffic.hpp"
#include "model/vision/patchify.hpp"

namespace vlserve::cli {

struct bench_report {
  std::string model_dir, device, dtype;
  std::string weight_quant = "none";  // --quant
  int threads = 0;
  std::string load_before, load_after;  // /proc/loadavg: the machine is shared, say how busy it was
  double load_seconds = 0;
  bench::engine_bench_options settings;
  bench::weight_traffic weights;
  bench::bandwidth_result bandwidth_before, bandwidth_after;
  model::gemm_result gemm;      // the decoder's own product (dense() in the engine's dtype)
  model::gemm_result gemm_f32;  // the float32 BLAS at the same shape (= gemm for a float32 engine)
  std::vector<bench::prefill_result> prefill;  // one per --prompt length, in the order given
  std::vector<bench::decode_result> decode;
  bench::mask_bench_result mask;  // constrained decoding: token mask per step
  // --quant int8|fp8: the same decode batches on unquantized weights, loaded in the same run.
  std::vector<bench::decode_result> baseline_decode;
  bench::weight_traffic baseline_weights;
  // --vision: the tower on each grid, against the best GEMM rate measured at a tower-shaped
  // product (patch rows x 1024 -> 4096) in float32 and in the tower's dtype, in the same run.
  struct vision_timing {
    model::vision::grid_thw grid;
    double seconds = 0;
    double flops = 0;
  };
  std::vector<vision_timing> vision;
  std::string vision_dtype;
  model::gemm_result vision_gemm_f32, vision_gemm_dtype;
  double vision_peak_gflops() const;

  // Mean of the two triad medians, in bytes/s: the bandwidth the decode ratios use.
  double bandwidth_bytes_per_s() const;
  // tokens/s one sequence could reach if decode only streamed its weights at that bandwidth.
  double decode_bound_tokens_per_s() const;
  double baseline_decode_bound_tokens_per_s() const;
  // The better of gemm and gemm_f32, and the prompt tokens/s it allows, counting 2 FLOPs per
  // non-embedding parameter.
  double prefill_peak_gflops() const;
  double prefill_bound_tokens_per_s() const;
};

void print_table(std::ostream& os, const bench_report& r);
void print_json_line(std::ostream& os, const bench_report& r);

}  // namespace vlserve::cli
