// The text engine: a loaded Qwen3-VL text decoder plus per-sequence KV caches, driven by step().
// Torch-free header (pimpl), so actors/ and cli/ can include it. Not thread-safe: one owner thread.
//
// One step packs several sequences: each contributes a chunk of its prompt or one decode token.
// All rows go through each linear layer as one matrix; attention runs per sequence on its cache.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/checkpoint/generation_config.hpp"
#include "model/checkpoint/model_config.hpp"

namespace vlserve::model {

struct visual_injection;  // model/text/visual_injection.hpp (model-internal)

struct engine_options {
  std::string device = "cpu";     // cpu | cuda | cuda:N
  std::string dtype = "float32";  // float32 | bfloat16 | float16 | auto (= bfloat16)
  int64_t max_context = 8192;     // per-sequence KV bound in tokens
  int64_t kv_chunk = 256;         // KV growth granularity in tokens
  int64_t max_sequences = 256;    // live sequences at once
  // float32 on CPU only: run products in fixed 8-row blocks so a sequence's logits do not depend
  // on what else is in the step (bit-identical batching, for tests and golden dumps). Costs
  // prefill speed (weights are read once per 8 rows); decode batches of <= 8 are unaffected.
  bool batch_invariant = false;
  // Prefix cache bound in bytes (model/text/prefix_store.hpp); 0 = off.
  int64_t prefix_cache_bytes = 0;
  // WEIGHT_QUANT (model/text/weight_quant.hpp): none | int8 | fp8. int8/fp8 need the CPU and a
  // float32 or bfloat16 dtype; fp8 needs an FP8 checkpoint.
  std::string weight_quant = "none";
};

// What the prefix cache holds and has done (for /metrics).
struct prefix_cache_figures {
  int64_t max_bytes = 0, bytes = 0, entries = 0, held_tokens = 0;  // entries: blocks held
  int64_t hits = 0, misses = 0, reused_tokens = 0, evictions = 0;  // evictions: blocks
  int64_t pinned = 0;  // blocks running sequences started from (never evicted)
};

using sequence_id = uint64_t;

// A step refused before it touched any cache because of one sequence's chunk (bad token id,
// positions, vision rows, context bound): the caller can drop that sequence and run the others.
class sequence_rejected : public std::invalid_argument {
 public:
  sequence_rejected(sequence_id seq, const std::string& what) : std::invalid_argument(what), seq_(seq) {}
  sequence_id seq() const { return seq_; }

 private:
  sequence_id seq_;
};

// One sequence's share of a step.
struct sequence_chunk {
  sequence_id seq = 0;
  std::vector<int64_t> tokens;  // prompt chunk, or the one token sampled last step
  // M-RoPE positions, 3 rows of tokens.size() (t row, then h, then w). Empty = text positions:
  // token i gets cache_length + i + rope_delta on all rows (decode, or text-only prompts).
  std::vector<int64_t> positions;
  // Return logits for the last `logits_last` tokens of this chunk (1 for a decode token or the
  // final prompt chunk, 0 for a middle chunk, 4 to dump logits_last4).
  int64_t logits_last = 0;
  std::shared_ptr<const visual_injection> visual;  // optional vision features for this chunk
};

struct chunk_logits {
  sequence_id seq = 0;
  int64_t rows = 0;           // = logits_last
  std::vector<float> values;  // rows x vocab, row-major, in chunk token order
};

class text_engine {
 public:
  // Reads <model_dir>/config.json, generation_config.json and the checkpoint; throws
  // checkpoint_error (bad files) or std::invalid_argument (bad options).
  text_engine(const std::string& model_dir, const engine_options& options);
  ~text_engine();
  text_engine(const text_engine&) = delete;
  text_engine& operator=(const text_engine&) = delete;

  const model_config& config() const;
  const generation_config& generation() const;
  int64_t vocab_size() const;
  std::string device() const;  // "cpu", "cuda:0"
  std::string dtype() const;   // "float32", "bfloat16", "float16"

  // rope_delta: max(prompt position) + 1 - prompt length (0 for text-only prompts); decode tokens
  // get positions cache_length + rope_delta. Throws std::length_error past max_sequences.
  sequence_id create_sequence(int64_t rope_delta = 0);
  void set_rope_delta(sequence_id seq, int64_t rope_delta);
  // Frees the sequence and its cache memory; unknown ids are ignored (cancel may race a finish).
  void free_sequence(sequence_id seq);
  // A new sequence holding a copy of `seq`'s cache and rope_delta: the choices of an n > 1 request
  // read their prompt once and fork here. Throws like create_sequence (and sequence_rejected for
  // an unknown `seq`).
  sequence_id fork_sequence(sequence_id seq);
  // Prefix cache. restore_prefix starts an empty sequence from the longest held prefix of `keys`
  // (at most `limit` tokens) and returns how many tokens it reused (0 when off or on a miss);
  // the caller then feeds the prompt from that index on; the blocks it read stay pinned until the
  // sequence is freed or retained. retain_sequence frees the sequence but keeps its cache's rows
  // (block by block, sharing blocks already held) when `keys` keys every cached token.
  int64_t restore_prefix(sequence_id seq, const std::vector<uint64_t>& keys, int64_t limit);
  // How many tokens restore_prefix would reuse (no copy, no statistics).
  int64_t held_prefix(const std::vector<uint64_t>& keys, int64_t limit) const;
  void retain_sequence(sequence_id seq, std::vector<uint64_t> keys);
  prefix_cache_figures prefix_cache() const;
  bool has_sequence(sequence_id seq) const;
  size_t sequence_count() const;
  int64_t sequence_length(sequence_id seq) const;    // tokens in its cache
  int64_t sequence_capacity(sequence_id seq) const;  // tokens allocated
  int64_t cache_bytes() const;                       // all live sequences
  int64_t rows_computed() const;                     // token rows every step so far has read

  // Runs one forward over all chunks (each sequence at most once). Validates everything first and
  // throws std::invalid_argument / std::length_error naming the sequence without touching any
  // cache. Returns one entry per chunk with logits_last > 0, in chunk order.
  std::vector<chunk_logits> step(const std::vector<sequence_chunk>& chunks);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace vlserve::model
