#include "model/serving/sequence_decoder.hpp"

#include <stdexcept>

#include "model/sampling/tool_calls.hpp"

namespace vlserve::model {

sequence_decoder::sequence_decoder(tokenizer tok, std::vector<std::int32_t> prompt_ids, decode_settings settings)
    : tok_(tok),
      prompt_(std::move(prompt_ids)),
      settings_(std::move(settings)),
      rng_(rng_state::for_request(settings_.sampling.seed)),
      detok_(tok, /*skip_special=*/true),
      stops_(settings_.stop.stop_strings) {
  validate(settings_.sampling);
  validate(settings_.stop);
}

// Reasoning goes out at once; content waits only while it may be inside a tool-call block.
void sequence_decoder::route_text(const std::string& text, sequence_delta& out) {
  const auto split = splitter_.feed(text);
  out.reasoning += split.reasoning;
  if (!settings_.parse_tool_calls) {
    out.content += split.content;
    return;
  }
  held_content_ += split.content;
  const size_t free = tool_call_free_prefix(held_content_);
  out.content += held_content_.substr(0, free);
  held_content_.erase(0, free);
}

void sequence_decoder::finish_text(sequence_delta& out) {
  if (!stops_.stopped()) {
    // Bytes the detokeniser still held may complete a stop string too.
    const auto last = stops_.feed(detok_.flush());
    route_text(last.emit, out);
    if (!last.stopped) route_text(stops_.flush(), out);
  }
  const auto tail = splitter_.finish();
  out.reasoning += tail.reasoning;
  if (!settings_.parse_tool_calls) {
    out.content += tail.content;
  } else {
    held_content_ += tail.content;
    auto parsed = parse_tool_calls(held_content_);
    out.content += parsed.content;
    for (auto& c : parsed.calls) out.tool_calls.push_back({std::move(c.name), std::move(c.arguments)});
    held_content_.clear();
    out.tool_calls_finish = !out.tool_calls.empty();
  }
  finished_ = true;
}

sequence_delta sequence_decoder::on_logits(std::span<const float> logits) {
  if (finished_) throw std::logic_error("sequence already finished");
  sequence_delta out;
  const token_history history{prompt_, generated_};
  const auto picked = sample_token(logits, settings_.sampling, history, rng_, workspace_);
  out.token = picked.token;
  generated_.push_back(picked.token);
  if (splitter_.in_reasoning()) ++reasoning_tokens_;
  if (settings_.sampling.logprobs && picked.logprob) {
    emitted_logprob lp;
    lp.token = tok_.decode({picked.token});
    lp.logprob = *picked.logprob;
    for (const auto& t : picked.top_logprobs) {
      lp.top_tokens.push_back(tok_.decode({t.token}));
      lp.top_logprobs.push_back(t.logprob);
    }
    out.logprobs.push_back(std::move(lp));
  }
  out.finish = check_token(picked.token, generated_.size(), settings_.stop);
  if (!is_eos(picked.token, settings_.stop.eos_ids)) {
    const auto text = stops_.feed(detok_.push(picked.token));
    route_text(text.emit, out);
    if (text.stopped) out.finish = finish_reason::stop;
  }
  if (out.finish != finish_reason::none) finish_text(out);
  return out;
}

sequence_delta sequence_decoder::finish_early() {
  sequence_delta out;
  if (!finished_) finish_text(out);
  return out;
}

}  // namespace vlserve::model
