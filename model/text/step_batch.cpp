#include "model/text/step_batch.hpp"

#include <algorithm>
#include <cstring>
#include <set>
#include <stdexcept>
#include <string>

#include "model/text/visual_injection.hpp"

namespace vlserve::model {
namespace {

[[noreturn]] void reject(sequence_id seq, const std::string& what) {
  throw sequence_rejected(seq, "sequence " + std::to_string(seq) + ": " + what);
}

void validate_visual(const sequence_chunk& c, const text_config& cfg) {
  const visual_injection& v = *c.visual;
  const int64_t m = int64_t(v.rows.size());
  for (size_t i = 0; i < v.rows.size(); ++i) {
    if (v.rows[i] < 0 || (i > 0 && v.rows[i] <= v.rows[i - 1])) {
      reject(c.seq, "visual rows must be ascending prompt indices");
    }
  }
  auto check = [&](const at::Tensor& t, const char* what) {
    if (!t.defined() || t.dim() != 2 || t.size(0) != m || t.size(1) != cfg.hidden_size) {
      reject(c.seq, std::string(what) + " must be [" + std::to_string(m) + ", " +
                        std::to_string(cfg.hidden_size) + "]");
    }
  };
  check(v.embeddings, "visual embeddings");
  if (int64_t(v.deepstack.size()) > cfg.num_hidden_layers) {
    reject(c.seq, "more deepstack features than decoder layers");
  }
  for (const auto& d : v.deepstack) check(d, "deepstack features");
}

}  // namespace

void validate_step(const std::vector<sequence_chunk>& chunks,
                   const std::vector<sequence_state*>& states, const text_config& cfg,
                   int64_t max_context) {
  std::set<sequence_id> seen;
  for (size_t i = 0; i < chunks.size(); ++i) {
    const sequence_chunk& c = chunks[i];
    const int64_t n = int64_t(c.tokens.size());
    if (!seen.insert(c.seq).second) reject(c.seq, "appears twice in one step");
    if (n == 0) reject(c.seq, "chunk has no tokens");
    for (int64_t t : c.tokens) {
      if (t < 0 || t >= cfg.vocab_size) {
        reject(c.seq, "token id " + std::to_string(t) + " is outside the vocabulary (0.." +
                          std::to_string(cfg.vocab_size - 1) + ")");
      }
    }
    if (!c.positions.empty() && int64_t(c.positions.size()) != 3 * n) {
      reject(c.seq, "positions must hold 3 rows of " + std::to_string(n) + " entries");
    }
    if (c.logits_last < 0 || c.logits_last > n) {
      reject(c.seq, "logits_last must be between 0 and the chunk length");
    }
    if (states[i]->cache.length() + n > max_context) {
      reject(c.seq, std::to_string(states[i]->cache.length() + n) + " tokens exceed the context limit of " +
                        std::to_string(max_context));
    }
    if (c.visual) validate_visual(c, cfg);
  }
}

step_batch build_step_batch(const std::vector<sequence_chunk>& chunks,
                            const std::vector<sequence_state*>& states, const text_decoder& decoder) {
  int64_t total = 0;
  for (const auto& c : chunks) total += int64_t(c.tokens.size());
  std::vector<int64_t> ids, pos(size_t(3 * total)), logit_rows;
  ids.reserve(size_t(total));
  step_batch b;
  int64_t offset = 0;
  for (size_t i = 0; i < chunks.size(); ++i) {
    const sequence_chunk& c = chunks[i];
    const int64_t n = int64_t(c.tokens.size());
    kv_cache& cache = states[i]->cache;
    cache.reserve_extra(n);
    ids.insert(ids.end(), c.tokens.begin(), c.tokens.end());
    for (int64_t r = 0; r < 3; ++r) {
      for (int64_t j = 0; j < n; ++j) {
        pos[size_t(r * total + offset + j)] = c.positions.empty()
                                                  ? cache.length() + j + states[i]->rope_delta
                                                  : c.positions[size_t(r * n + j)];
      }
    }
    for (int64_t j = n - c.logits_last; j < n; ++j) logit_rows.push_back(offset + j);
    b.spans.push_back({&cache, offset, n});
    offset += n;
  }

  const at::Device dev = decoder.device();
  const auto long_opts = at::TensorOptions().dtype(at::kLong);
  b.positions = at::tensor(pos, long_opts).view({3, total}).to(dev);
  b.logit_rows = at::tensor(logit_rows, long_opts).to(dev);
  b.hidden = decoder.embed(at::tensor(ids, long_opts).to(dev));

  // Vision hook: replace embeddings at visual rows and collect DeepStack additions per layer.
  std::vector<std::vector<at::Tensor>> add_rows, add_feats;
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (!chunks[i].visual) continue;
    const visual_injection& v = *chunks[i].visual;
    // The chunk holds prompt indices [start, start + n); its entries are a contiguous range.
    const int64_t start = states[i]->cache.length(), n = b.spans[i].length;
    const auto first = std::lower_bound(v.rows.begin(), v.rows.end(), start);
    const auto last = std::lower_bound(first, v.rows.end(), start + n);
    if (first == last) continue;
    const int64_t from = first - v.rows.begin(), count = last - first;
    std::vector<int64_t> local(first, last);
    for (auto& r : local) r += b.spans[i].offset - start;
    const at::Tensor rows = at::tensor(local, long_opts).to(dev);
    b.hidden.index_copy_(0, rows, v.embeddings.narrow(0, from, count).to(dev, decoder.dtype()));
    if (add_rows.size() < v.deepstack.size()) {
      add_rows.resize(v.deepstack.size());
      add_feats.resize(v.deepstack.size());
    }
    for (size_t k = 0; k < v.deepstack.size(); ++k) {
      add_rows[k].push_back(rows);
      add_feats[k].push_back(v.deepstack[k].narrow(0, from, count).to(dev, decoder.dtype()));
    }
  }
  b.additions.resize(add_rows.size());
  for (size_t k = 0; k < add_rows.size(); ++k) {
    b.additions[k] = {at::cat(add_rows[k]), at::cat(add_feats[k])};
  }
  return b;
}

std::vector<chunk_logits> split_logits(const std::vector<sequence_chunk>& chunks,
                                       const at::Tensor& logits) {
  std::vector<chunk_logits> out;
  const int64_t vocab = logits.size(1);
  const float* src = logits.data_ptr<float>();
  int64_t row = 0;
  for (const auto& c : chunks) {
    if (c.logits_last == 0) continue;
    chunk_logits cl;
    cl.seq = c.seq;
    cl.rows = c.logits_last;
    cl.values.resize(size_t(c.logits_last * vocab));
    std::memcpy(cl.values.data(), src + row * vocab, cl.values.size() * sizeof(float));
    row += c.logits_last;
    out.push_back(std::move(cl));
  }
  return out;
}

}  // namespace vlserve::model
