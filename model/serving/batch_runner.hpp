// Continuous batching over the text engine: queues sequences, admits them between steps, feeds
// prompts in chunks, samples every sequence that produced logits and reports the deltas.
// Torch-free header; one owner thread (the model worker), like the engine it drives.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/serving/prefill_pacer.hpp"
#include "model/serving/sequence_decoder.hpp"
#include "model/text/engine.hpp"

namespace vlserve::model {

struct runner_options {
  int64_t max_batch = 8;       // sequences in one step
  int64_t prefill_chunk = 512; // prompt tokens per step, shared by all prefilling sequences
  int64_t max_queue = 1024;    // waiting sequences; submit() refuses beyond
  int64_t max_context = 8192;  // the engine's per-sequence bound: prompt + generated tokens
  bool prefix_cache = true;    // start prompts from the engine's prefix cache (when it has one)
  // Size prompt chunks so running streams keep half their solo rate (prefill_pacer.hpp); off =
  // always prefill_chunk (deterministic chunking, for tests that compare against golden chunks).
  bool paced_prefill = true;
};

struct sequence_input {
  std::vector<std::int32_t> prompt_ids;
  std::vector<int64_t> positions;  // 3 x T (rows t, h, w) or empty for text-only prompts
  int64_t rope_delta = 0;
  decode_settings settings;
  int64_t prompt_logits = 1;  // logits rows kept for the last prompt tokens (4 for reference dumps)
  std::shared_ptr<const visual_injection> visual;  // vision features, or null
  // n: this many independent completions of the prompt. The prompt is read once; when its last
  // row is in the cache the sequence forks into `choices` copies that sample on their own.
  int32_t choices = 1;
};

using ticket = uint64_t;

struct runner_event {
  ticket id = 0;   // what submit() returned
  int choice = 0;  // which of the request's choices, 0..choices-1
  sequence_delta delta;
  bool finished = false;
  bool cancelled = false;
  std::string error;  // non-empty: the sequence failed and was dropped
  int prompt_tokens = 0;
  int cached_tokens = 0;  // prompt tokens reused from the prefix cache (not recomputed)
  int completion_tokens = 0;
  int reasoning_tokens = 0;
  std::vector<float> prompt_logits;  // only on the step that finished the prompt, rows x vocab
};

class batch_runner {
 public:
  batch_runner(text_engine& engine, tokenizer tok, runner_options options);
  ~batch_runner();

  // Queues a sequence (all its choices under one ticket). Throws std::invalid_argument (bad
  // settings, a token id outside the vocabulary, prompt longer than the context, choices outside
  // 1..max_batch) or std::length_error (queue full).
  ticket submit(sequence_input input);
  // Drops every choice of the sequence before the next step; each is reported finished with
  // cancelled=true.
  void cancel(ticket id);
  // One engine step; returns the events of this step (cancellations first).
  std::vector<runner_event> step();

  bool idle() const { return active_.empty() && queue_.empty() && cancels_.empty(); }
  size_t running() const { return active_.size(); }
  size_t queued() const { return queue_.size(); }
  // Sequences that took part in the last step (the batch size).
  size_t last_step_size() const { return last_step_size_; }
  // Tokens held in the KV caches of the running sequences.
  int64_t cached_tokens() const;
  const text_engine& engine() const { return engine_; }

 private:
  struct live_sequence;
  void admit();
  std::vector<runner_event> take_cancels();
  // Ends one sequence with an error event (its neighbours in the step go on); a prompt that had
  // not forked yet ends its unforked choices with it.
  void fail(ticket key, const std::string& why, std::vector<runner_event>& out);
  runner_event make_event(live_sequence& s, sequence_delta delta);
  // Copies a prompt's cache into its other choices (keys group + 1 ...); returns their keys.
  std::vector<ticket> fork_choices(live_sequence& parent);
  // Samples `key`'s next token from `row` and reports it; a finished sequence leaves.
  runner_event sample(ticket key, std::span<const float> row, bool prompt_ended, const chunk_logits& lg);
  // Frees the sequence's engine state; unless it failed, its cache goes to the prefix cache.
  void release(live_sequence& s, bool reusable);

  text_engine& engine_;
  tokenizer tok_;
  std::shared_ptr<const grammar::vocab_index> vocab_;  // for constrained answers; built on first use
  runner_options options_;
  ticket next_ticket_ = 1;
  std::deque<std::pair<ticket, sequence_input>> queue_;
  // Keyed by ticket + choice: a request's choices hold consecutive keys (submit reserves them).
  std::map<ticket, std::unique_ptr<live_sequence>> active_;
  std::vector<ticket> admission_order_;
  std::vector<ticket> cancels_;
  size_t last_step_size_ = 0;
  prefill_pacer pacer_;
};

}  // namespace vlserve::model
