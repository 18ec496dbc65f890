#include "model/sampling/stop_conditions.hpp"

#include <algorithm>
#include <stdexcept>

namespace vlserve::model {

const char* finish_reason_name(finish_reason r) {
  switch (r) {
    case finish_reason::stop: return "stop";
    case finish_reason::length: return "length";
    case finish_reason::none: break;
  }
  return "";
}

std::vector<std::int32_t> qwen3_vl_eos_ids() { return {151645, 151643}; }

std::optional<std::string> find_invalid(const stop_params& p) {
  if (p.max_tokens < 1) return "max_tokens must be >= 1 (got " + std::to_string(p.max_tokens) + ")";
  for (const std::int32_t id : p.eos_ids) {
    if (id < 0) return "eos token id must be >= 0 (got " + std::to_string(id) + ")";
  }
  if (p.stop_strings.size() > max_stop_strings)
    return "stop accepts at most " + std::to_string(max_stop_strings) + " strings (got " +
           std::to_string(p.stop_strings.size()) + ")";
  for (const std::string& s : p.stop_strings) {
    if (s.empty()) return "stop strings must not be empty";
    if (s.size() > max_stop_string_bytes)
      return "stop strings must be at most " + std::to_string(max_stop_string_bytes) + " bytes (got " +
             std::to_string(s.size()) + ")";
  }
  return std::nullopt;
}

void validate(const stop_params& p) {
  if (auto problem = find_invalid(p)) throw std::invalid_argument(*problem);
}

bool is_eos(std::int32_t token, std::span<const std::int32_t> eos_ids) {
  return std::find(eos_ids.begin(), eos_ids.end(), token) != eos_ids.end();
}

finish_reason check_token(std::int32_t token, std::size_t generated_count, const stop_params& p) {
  if (is_eos(token, p.eos_ids)) return finish_reason::stop;
  if (generated_count >= static_cast<std::size_t>(std::max(p.max_tokens, 1))) return finish_reason::length;
  return finish_reason::none;
}

}  // namespace vlserve::model
