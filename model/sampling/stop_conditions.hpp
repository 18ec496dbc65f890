// When a sequence ends: an EOS id was sampled, max_tokens were generated, or a stop string
// appeared in the text (that last one is stop_matcher's job).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace vlserve::model {

inline constexpr std::size_t max_stop_strings = 16;
inline constexpr std::size_t max_stop_string_bytes = 256;

struct stop_params {
  int max_tokens = 1024;                 // generated tokens, >= 1
  std::vector<std::int32_t> eos_ids;     // generation_config's eos_token_id list
  std::vector<std::string> stop_strings; // matched on the detokenised text, never emitted
};

// none: keep going. stop: EOS id or stop string (OpenAI "stop"). length: max_tokens reached.
enum class finish_reason { none, stop, length };

// "stop" / "length" for the OpenAI finish_reason field; "" for none.
const char* finish_reason_name(finish_reason r);

// Qwen3-VL's EOS ids, <|im_end|> 151645 and <|endoftext|> 151643 (spec §9.1).
std::vector<std::int32_t> qwen3_vl_eos_ids();

// The first problem with p naming the field, or nullopt.
std::optional<std::string> find_invalid(const stop_params& p);
void validate(const stop_params& p);  // throws std::invalid_argument

bool is_eos(std::int32_t token, std::span<const std::int32_t> eos_ids);

// Called once per sampled token; generated_count includes it. EOS wins over length (vLLM) and
// the EOS token itself is not emitted; a token that reaches max_tokens is emitted.
finish_reason check_token(std::int32_t token, std::size_t generated_count, const stop_params& p);

}  // namespace vlserve::model
