#include "cli/bench_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "config/json.hpp"

namespace vlserve::cli {
namespace {

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace

double bench_report::bandwidth_bytes_per_s() const {
  return 0.5 * (bandwidth_before.triad_gbs + bandwidth_after.triad_gbs) * 1e9;
}

double bench_report::decode_bound_tokens_per_s() const {
  return bandwidth_bytes_per_s() / double(weights.bytes_per_decode_token());
}

double bench_report::baseline_decode_bound_tokens_per_s() const {
  return bandwidth_bytes_per_s() / double(baseline_weights.bytes_per_decode_token());
}

double bench_report::vision_peak_gflops() const {
  return std::max(vision_gemm_f32.gflops, vision_gemm_dtype.gflops);
}

double bench_report::prefill_peak_gflops() const { return std::max(gemm.gflops, gemm_f32.gflops); }

double bench_report::prefill_bound_tokens_per_s() const {
  return prefill_peak_gflops() * 1e9 / weights.prefill_flops_per_token();
}

void print_table(std::ostream& os, const bench_report& r) {
  const double bound = r.decode_bound_tokens_per_s();
  os << "model      " << r.model_dir << " (" << r.dtype << " on " << r.device << ", WEIGHT_QUANT="
     << r.weight_quant << ", " << r.threads
     << " threads, loaded in " << fixed(r.load_seconds, 1) << " s)\n"
     << "load avg   before: " << r.load_before << "   after: " << r.load_after << "\n"
     << "weights    " << fixed(double(r.weights.non_embedding_params) / 1e9, 3) << " B non-embedding + "
     << fixed(double(r.weights.lm_head_params) / 1e9, 3) << " B lm_head = "
     << fixed(double(r.weights.bytes_per_decode_token()) / 1e9, 3) << " GB read per decode token\n"
     << "bandwidth  triad " << fixed(r.bandwidth_before.triad_gbs, 1) << " / "
     << fixed(r.bandwidth_after.triad_gbs, 1) << " GB/s (before / after), read "
     << fixed(r.bandwidth_before.read_gbs, 1) << " GB/s -> decode bound " << fixed(bound, 2)
     << " tok/s\n"
     << "gemm peak  " << fixed(r.gemm.gflops, 1) << " GFLOP/s (" << r.gemm.dtype << ", " << r.gemm.m
     << " x 2048 x 6144), " << fixed(r.gemm_f32.gflops, 1) << " float32 (" << r.gemm_f32.m
     << " rows) -> prefill bound (the better) " << fixed(r.prefill_bound_tokens_per_s(), 1)
     << " tok/s\n\n";
  for (const auto& p : r.prefill) {
    os << "prefill    " << p.prompt_tokens << " tokens: " << fixed(p.median_ms, 1) << " ms, "
       << fixed(p.tokens_per_s, 1) << " tok/s, ratio to bound "
       << fixed(p.tokens_per_s / r.prefill_bound_tokens_per_s(), 2) << "\n";
  }
  os << "           (chunks of "
     << (r.settings.prefill_chunk > 0 ? std::to_string(r.settings.prefill_chunk) : "all")
     << " tokens per step, median of " << r.settings.repeat << ")\n\n"
     << "decode (" << r.settings.decode_tokens << " steps after " << r.settings.decode_context
     << " context tokens, median of " << r.settings.repeat << ")\n"
     << "  batch   step ms   aggregate tok/s   per-seq tok/s   ratio to bound\n";
  for (const auto& d : r.decode) {
    char line[128];
    std::snprintf(line, sizeof line, "  %5lld  %8.1f  %16.2f  %14.2f  %15.2f\n", (long long)d.batch,
                  d.step_ms, d.tokens_per_s, d.per_sequence_tokens_per_s, d.tokens_per_s / bound);
    os << line;
  }
  if (!r.baseline_decode.empty()) {
    const double base_bound = r.baseline_decode_bound_tokens_per_s();
    os << "\ndecode with unquantized " << r.dtype << " weights, same run ("
       << fixed(double(r.baseline_weights.bytes_per_decode_token()) / 1e9, 3)
       << " GB per token -> bound " << fixed(base_bound, 2) << " tok/s)\n"
       << "  batch   step ms   aggregate tok/s   ratio to bound   " << r.weight_quant << " speed-up\n";
    for (size_t i = 0; i < r.baseline_decode.size(); ++i) {
      const auto& d = r.baseline_decode[i];
      const double quant_rate = i < r.decode.size() ? r.decode[i].tokens_per_s : 0;
      char line[128];
      std::snprintf(line, sizeof line, "  %5lld  %8.1f  %16.2f  %15.2f  %14.2fx\n", (long long)d.batch,
                    d.step_ms, d.tokens_per_s, d.tokens_per_s / base_bound, quant_rate / d.tokens_per_s);
      os << line;
    }
  }
  // The issue-12 goal: a mask costs at most 5 % of a batch-1 decode step.
  const double step1 = r.decode.empty() ? 0 : r.decode.front().step_ms;
  os << "\nmask       " << fixed(r.mask.median_ms, 3) << " ms median, " << fixed(r.mask.p90_ms, 3)
     << " ms p90 per constrained step (" << r.mask.steps << " steps; trie built in " << fixed(r.mask.trie_build_ms, 0)
     << " ms)";
  if (step1 > 0) os << " = " << fixed(100 * r.mask.median_ms / step1, 1) << " % of a batch-" << r.decode.front().batch << " step";
  os << "\n";
  if (r.vision.empty()) return;
  const double peak = r.vision_peak_gflops();
  os << "\nvision     tower in " << r.vision_dtype << "; GEMM peak at " << r.vision_gemm_f32.m
     << " x 1024 -> 4096: " << fixed(r.vision_gemm_f32.gflops, 1) << " GFLOP/s float32, "
     << fixed(r.vision_gemm_dtype.gflops, 1) << " " << r.vision_gemm_dtype.dtype << " (bound: the better)\n"
     << "  grid t,h,w   patches   seconds    GFLOP   GFLOP/s   ratio to bound   (median of " << r.settings.repeat
     << ")\n";
  for (const auto& v : r.vision) {
    char line[160];
    std::snprintf(line, sizeof line, "  %3lld,%3lld,%3lld  %8lld  %8.2f  %7.0f  %8.1f  %15.2f\n", (long long)v.grid.t,
                  (long long)v.grid.h, (long long)v.grid.w, (long long)v.grid.patches(), v.seconds, v.flops / 1e9,
                  v.flops / 1e9 / v.seconds, v.flops / 1e9 / v.seconds / peak);
    os << line;
  }
}

void print_json_line(std::ostream& os, const bench_report& r) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  auto key_str = [&](const char* k, const std::string& v) { w.Key(k), w.String(v.c_str()); };
  // RapidJSON refuses NaN/inf (the value would silently go missing); write null instead.
  auto key_num = [&](const char* k, double v) {
    w.Key(k);
    if (std::isfinite(v)) w.Double(v);
    else w.Null();
  };
  w.StartObject();
  key_str("model", r.model_dir);
  key_str("device", r.device);
  key_str("dtype", r.dtype);
  key_str("weight_quant", r.weight_quant);
  w.Key("threads"), w.Int(r.threads);
  key_str("loadavg_before", r.load_before);
  key_str("loadavg_after", r.load_after);
  // The first prompt length's figures stay at the top level for scripts that read one.
  const bench::prefill_result first = r.prefill.empty() ? bench::prefill_result{} : r.prefill[0];
  w.Key("prompt_tokens"), w.Int64(first.prompt_tokens);
  w.Key("prefill_chunk"), w.Int64(r.settings.prefill_chunk);
  w.Key("decode_tokens"), w.Int64(r.settings.decode_tokens);
  w.Key("repeat"), w.Int(r.settings.repeat);
  w.Key("bytes_per_decode_token"), w.Int64(r.weights.bytes_per_decode_token());
  key_num("bandwidth_gbs", r.bandwidth_bytes_per_s() / 1e9);
  key_num("bandwidth_before_gbs", r.bandwidth_before.triad_gbs);
  key_num("bandwidth_after_gbs", r.bandwidth_after.triad_gbs);
  key_num("read_bandwidth_gbs", r.bandwidth_before.read_gbs);
  key_num("decode_bound_tok_s", r.decode_bound_tokens_per_s());
  key_num("gemm_gflops", r.gemm.gflops);
  key_num("gemm_gflops_float32", r.gemm_f32.gflops);
  key_num("prefill_peak_gflops", r.prefill_peak_gflops());
  w.Key("gemm_rows"), w.Int64(r.gemm.m);
  key_num("prefill_bound_tok_s", r.prefill_bound_tokens_per_s());
  key_num("prompt_tok_s", first.tokens_per_s);
  key_num("prefill_ratio", first.tokens_per_s / r.prefill_bound_tokens_per_s());
  w.Key("prefill");
  w.StartArray();
  for (const auto& p : r.prefill) {
    w.StartObject();
    w.Key("prompt_tokens"), w.Int64(p.prompt_tokens);
    key_num("median_ms", p.median_ms);
    key_num("tok_s", p.tokens_per_s);
    key_num("ratio", p.tokens_per_s / r.prefill_bound_tokens_per_s());
    w.EndObject();
  }
  w.EndArray();
  w.Key("decode");
  w.StartArray();
  for (const auto& d : r.decode) {
    w.StartObject();
    w.Key("batch"), w.Int64(d.batch);
    key_num("step_ms", d.step_ms);
    key_num("tok_s", d.tokens_per_s);
    key_num("per_seq_tok_s", d.per_sequence_tokens_per_s);
    key_num("ratio", d.tokens_per_s / r.decode_bound_tokens_per_s());
    w.EndObject();
  }
  w.EndArray();
  if (!r.baseline_decode.empty()) {
    w.Key("baseline_bytes_per_decode_token"), w.Int64(r.baseline_weights.bytes_per_decode_token());
    key_num("baseline_decode_bound_tok_s", r.baseline_decode_bound_tokens_per_s());
    w.Key("baseline_decode");
    w.StartArray();
    for (size_t i = 0; i < r.baseline_decode.size(); ++i) {
      const auto& d = r.baseline_decode[i];
      w.StartObject();
      w.Key("batch"), w.Int64(d.batch);
      key_num("step_ms", d.step_ms);
      key_num("tok_s", d.tokens_per_s);
      key_num("ratio", d.tokens_per_s / r.baseline_decode_bound_tokens_per_s());
      key_num("speedup", i < r.decode.size() ? r.decode[i].tokens_per_s / d.tokens_per_s : 0.0);
      w.EndObject();
    }
    w.EndArray();
  }
  key_num("mask_median_ms", r.mask.median_ms);
  key_num("mask_p90_ms", r.mask.p90_ms);
  key_num("mask_trie_build_ms", r.mask.trie_build_ms);
  if (!r.vision.empty()) {
    key_num("vision_gemm_gflops_float32", r.vision_gemm_f32.gflops);
    key_num("vision_gemm_gflops", r.vision_gemm_dtype.gflops);
    w.Key("vision");
    w.StartArray();
    for (const auto& v : r.vision) {
      w.StartObject();
      w.Key("t"), w.Int64(v.grid.t);
      w.Key("h"), w.Int64(v.grid.h);
      w.Key("w"), w.Int64(v.grid.w);
      key_num("seconds", v.seconds);
      key_num("gflop", v.flops / 1e9);
      key_num("ratio", v.flops / 1e9 / v.seconds / r.vision_peak_gflops());
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  os << sb.GetString() << "\n";
}

}  // namespace vlserve::cli
