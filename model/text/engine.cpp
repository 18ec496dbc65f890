#include "model/text/engine.hpp"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "model/checkpoint/checkpoint.hpp"
#include "model/text/kv_cache.hpp"
#include "model/text/prefix_store.hpp"
#include "model/text/step_batch.hpp"
#include "model/text/text_decoder.hpp"
#include "model/text/torch_util.hpp"
#include "model/text/weight_quant.hpp"

namespace vlserve::model {

struct text_engine::impl {
  model_config cfg;
  generation_config gen;
  engine_options options;
  at::TensorOptions tensor_options;
  std::unique_ptr<text_decoder> decoder;
  std::map<sequence_id, std::unique_ptr<sequence_state>> sequences;
  sequence_id next_id = 1;
  std::unique_ptr<prefix_store> prefixes;
  // The prefix-cache blocks each sequence started from, pinned until it ends.
  std::map<sequence_id, prefix_store::lease> leases;
  int64_t rows_computed = 0;

  void release_lease(sequence_id seq) {
    auto it = leases.find(seq);
    if (it == leases.end()) return;
    prefixes->release(it->second);
    leases.erase(it);
  }

  sequence_state& find(sequence_id seq) const {
    auto it = sequences.find(seq);
    if (it == sequences.end()) {
      throw sequence_rejected(seq, "unknown sequence " + std::to_string(seq));
    }
    return *it->second;
  }
};

namespace {

// What each WEIGHT_QUANT needs, refused before any tensor is read.
void check_weight_quant(weight_quant quant, const at::TensorOptions& options, const model_config& cfg,
                        const std::string& model_dir) {
  if (quant == weight_quant::none) return;
  const std::string name(weight_quant_name(quant));
  if (!options.device().is_cpu()) {
    throw std::invalid_argument("WEIGHT_QUANT=" + name + " runs on the CPU only; use DEVICE_MAP=cpu or "
                                "WEIGHT_QUANT=none");
  }
  const at::ScalarType dtype = options.dtype().toScalarType();
  if (dtype != at::kFloat && dtype != at::kBFloat16) {
    throw std::invalid_argument("WEIGHT_QUANT=" + name + " needs TORCH_DTYPE float32 or bfloat16");
  }
  if (quant == weight_quant::fp8 && !cfg.quantization.fp8()) {
    throw std::invalid_argument("WEIGHT_QUANT=fp8 needs an FP8 checkpoint (config.json quantization_config "
                                "with quant_method \"fp8\"); " + model_dir +
                                " is not one. Use WEIGHT_QUANT=int8 to quantize it at load time");
  }
}

}  // namespace

text_engine::text_engine(const std::string& model_dir, const engine_options& options)
    : impl_(std::make_unique<impl>()) {
  if (options.max_context <= 0 || options.kv_chunk <= 0 || options.max_sequences <= 0 ||
      options.prefix_cache_bytes < 0) {
    throw std::invalid_argument(
        "engine options: max_context, kv_chunk and max_sequences must be > 0, prefix_cache_bytes >= 0");
  }
  c10::InferenceMode guard;
  impl& m = *impl_;
  m.options = options;
  m.prefixes = std::make_unique<prefix_store>(options.prefix_cache_bytes);
  m.tensor_options = at::TensorOptions()
                         .device(parse_device(options.device))
                         .dtype(parse_compute_dtype(options.dtype));
  const weight_quant quant = parse_weight_quant(options.weight_quant);
  m.cfg = load_model_config(model_dir);
  check_weight_quant(quant, m.tensor_options, m.cfg, model_dir);
  m.gen = load_generation_config(model_dir, m.cfg.text.eos_token_id);
  const checkpoint ckpt(model_dir);
  tensor_claims claims(ckpt);
  m.decoder = std::make_unique<text_decoder>(
      load_text_weights(ckpt, m.cfg, m.tensor_options, quant, claims), m.cfg.text,
      compute_mode{options.batch_invariant});
}

text_engine::~text_engine() = default;

const model_config& text_engine::config() const { return impl_->cfg; }
const generation_config& text_engine::generation() const { return impl_->gen; }
int64_t text_engine::vocab_size() const { return impl_->cfg.text.vocab_size; }
std::string text_engine::device() const { return impl_->tensor_options.device().str(); }
std::string text_engine::dtype() const {
  return dtype_name(impl_->tensor_options.dtype().toScalarType());
}

sequence_id text_engine::create_sequence(int64_t rope_delta) {
  impl& m = *impl_;
  if (int64_t(m.sequences.size()) >= m.options.max_sequences) {
    throw std::length_error("engine already holds " + std::to_string(m.sequences.size()) +
                            " sequences (max_sequences)");
  }
  const text_config& t = m.cfg.text;
  kv_shape shape{t.num_hidden_layers, t.num_key_value_heads, t.head_dim, m.options.kv_chunk,
                 m.options.max_context};
  const sequence_id id = m.next_id++;
  m.sequences.emplace(id, std::make_unique<sequence_state>(shape, m.tensor_options, rope_delta));
  return id;
}

void text_engine::set_rope_delta(sequence_id seq, int64_t rope_delta) {
  impl_->find(seq).rope_delta = rope_delta;
}

void text_engine::free_sequence(sequence_id seq) {
  impl_->release_lease(seq);
  impl_->sequences.erase(seq);
}

sequence_id text_engine::fork_sequence(sequence_id seq) {
  c10::InferenceMode guard;
  const sequence_state& from = impl_->find(seq);
  const sequence_id id = create_sequence(from.rope_delta);
  impl_->sequences.at(id)->cache.copy_prefix(from.cache, from.cache.length());
  // The fork starts from the same cached blocks as its source, so it pins them too.
  if (auto it = impl_->leases.find(seq); it != impl_->leases.end()) {
    impl_->prefixes->pin(it->second);
    impl_->leases[id] = it->second;
  }
  return id;
}

int64_t text_engine::restore_prefix(sequence_id seq, const std::vector<uint64_t>& keys,
                                    int64_t limit) {
  c10::InferenceMode guard;
  impl& m = *impl_;
  sequence_state& s = m.find(seq);
  if (!m.prefixes->enabled() || s.cache.length() != 0) return 0;
  const int64_t bound = std::max<int64_t>(0, std::min<int64_t>(limit, int64_t(keys.size())));
  return m.prefixes->restore(keys, bound, s.cache, m.leases[seq]);
}

int64_t text_engine::held_prefix(const std::vector<uint64_t>& keys, int64_t limit) const {
  if (!impl_->prefixes->enabled() || limit <= 0) return 0;
  return impl_->prefixes->longest(keys, std::min<int64_t>(limit, int64_t(keys.size())));
}

void text_engine::retain_sequence(sequence_id seq, std::vector<uint64_t> keys) {
  impl& m = *impl_;
  auto it = m.sequences.find(seq);
  if (it == m.sequences.end()) return;
  if (m.prefixes->enabled()) m.prefixes->retain(keys, it->second->cache);
  m.release_lease(seq);  // after retain: its own blocks are found again, not copied
  m.sequences.erase(it);
}

prefix_cache_figures text_engine::prefix_cache() const {
  const prefix_cache_stats& s = impl_->prefixes->stats();
  return {s.max_bytes, s.bytes, s.entries, s.held_tokens, s.hits, s.misses, s.reused_tokens, s.evictions, s.pinned};
}

bool text_engine::has_sequence(sequence_id seq) const { return impl_->sequences.count(seq) != 0; }

size_t text_engine::sequence_count() const { return impl_->sequences.size(); }

int64_t text_engine::sequence_length(sequence_id seq) const {
  return impl_->find(seq).cache.length();
}

int64_t text_engine::sequence_capacity(sequence_id seq) const {
  return impl_->find(seq).cache.capacity();
}

int64_t text_engine::rows_computed() const { return impl_->rows_computed; }

int64_t text_engine::cache_bytes() const {
  int64_t total = 0;
  for (const auto& [_, s] : impl_->sequences) total += s->cache.bytes();
  return total;
}

std::vector<chunk_logits> text_engine::step(const std::vector<sequence_chunk>& chunks) {
  c10::InferenceMode guard;
  impl& m = *impl_;
  std::vector<sequence_state*> states;
  states.reserve(chunks.size());
  for (const auto& c : chunks) states.push_back(&m.find(c.seq));
  validate_step(chunks, states, m.cfg.text, m.options.max_context);
  if (chunks.empty()) return {};

  const step_batch batch = build_step_batch(chunks, states, *m.decoder);
  const at::Tensor out = m.decoder->forward(batch.hidden, batch.positions, batch.spans,
                                            batch.additions);
  std::vector<chunk_logits> result;
  if (batch.logit_rows.numel() > 0) {
    const at::Tensor logits =
        m.decoder->logits(out.index_select(0, batch.logit_rows)).to(at::kCPU).contiguous();
    result = split_logits(chunks, logits);
  }
  for (size_t i = 0; i < chunks.size(); ++i) {
    states[i]->cache.commit(int64_t(chunks[i].tokens.size()));
    m.rows_computed += int64_t(chunks[i].tokens.size());
  }
  return result;
}

}  // namespace vlserve::model
