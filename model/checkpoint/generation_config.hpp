// generation_config.json: the checkpoint's sampling defaults and stop ids.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vlserve::model {

struct generation_config {
  std::vector<int64_t> eos_token_ids;  // int or list in the file; empty if absent
  std::optional<int64_t> bos_token_id;
  std::optional<int64_t> pad_token_id;
  bool do_sample = false;
  std::optional<double> temperature;
  std::optional<int64_t> top_k;
  std::optional<double> top_p;
  std::optional<double> repetition_penalty;
  std::optional<double> presence_penalty;
  std::optional<int64_t> max_new_tokens;
};

generation_config parse_generation_config(const std::string& json, const std::string& source);
// Reads <dir>/generation_config.json; a missing file yields defaults with `fallback_eos` as the
// only stop id (text_config.eos_token_id), as HF does.
generation_config load_generation_config(const std::string& model_dir, int64_t fallback_eos);

}  // namespace vlserve::model
