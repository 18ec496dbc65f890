#include "model/serving/sequence_decoder.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "model/sampling/tool_calls.hpp"

namespace vlserve::model {

sequence_decoder::sequence_decoder(tokenizer tok, std::vector<std::int32_t> prompt_ids, decode_settings settings,
                                   std::shared_ptr<const grammar::vocab_index> vocab)
    : tok_(tok),
      prompt_(std::move(prompt_ids)),
      settings_(std::move(settings)),
      rng_(rng_state::for_request(settings_.sampling.seed)),
      detok_(tok, /*skip_special=*/true),
      stops_(settings_.stop.stop_strings) {
  validate(settings_.sampling);
  validate(settings_.stop);
  if (settings_.thinking_budget < 0) throw std::invalid_argument("thinking_budget must be >= 0");
  if (const auto id = tok_.token_id("</think>")) think_end_id_ = *id;
  if (settings_.grammar) {
    vocab_ = vocab ? std::move(vocab) : std::make_shared<const grammar::vocab_index>(tok_);
    matcher_ = std::make_unique<grammar::json_matcher>(settings_.grammar);
  }
  if (settings_.thinking_budget > 0 && think_end_id_ >= 0) {
    budget_tail_ = tok_.encode(thinking_stop_text);
    const auto end = std::find(budget_tail_.begin(), budget_tail_.end(), think_end_id_);
    budget_tail_reasoning_ = std::size_t(end - budget_tail_.begin()) + 1;
    // A budget too small for the sentence ends the reasoning with </think> alone.
    if (end == budget_tail_.end() || budget_tail_reasoning_ > std::size_t(settings_.thinking_budget)) {
      budget_tail_ = {think_end_id_};
      budget_tail_reasoning_ = 1;
    }
  }
}

// The budget's forced token for this step, if any: the tail starts when what is left of the
// budget is exactly what its reasoning part needs, and runs to its end (the "\n\n" after </think>).
std::optional<std::int32_t> sequence_decoder::next_forced() {
  if (budget_tail_.empty() || forced_next_ >= budget_tail_.size()) return std::nullopt;
  if (forced_next_ == 0 &&
      (think_closed_ || std::size_t(reasoning_tokens_) + budget_tail_reasoning_ < std::size_t(settings_.thinking_budget)))
    return std::nullopt;
  return budget_tail_[forced_next_++];
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
    // parallel_tool_calls false: one call (the grammar enforces it when the call is forced).
    if (!settings_.output.parallel && parsed.calls.size() > 1) parsed.calls.resize(1);
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
  const auto forced = next_forced();
  // The constraint starts after </think> (and after the budget's forced "\n\n").
  const bool constrained = !forced && matcher_ && think_closed_;
  if (constrained) {
    const auto t0 = std::chrono::steady_clock::now();
    masker_.fill(*matcher_, *vocab_, settings_.stop.eos_ids, logits.size(), mask_);
    mask_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ++masked_steps_;
  }
  const auto picked = forced        ? forced_token(logits, *forced, settings_.sampling)
                      : constrained ? sample_token(logits, settings_.sampling, history, rng_, workspace_, &mask_)
                                    : sample_token(logits, settings_.sampling, history, rng_, workspace_);
  if (constrained && !is_eos(picked.token, settings_.stop.eos_ids) && !matcher_->advance(tok_.token_bytes(picked.token)))
    throw std::logic_error("the sampled token does not fit the output grammar");
  out.token = picked.token;
  generated_.push_back(picked.token);
  if (!think_closed_) ++reasoning_tokens_;
  if (picked.token == think_end_id_) think_closed_ = true;
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
    think_closed_ = think_closed_ || !splitter_.in_reasoning();
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
