#include "model/serving/batch_runner.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "model/sampling/rng.hpp"
#include "model/serving/step_plan.hpp"
#include "model/text/prompt_cache_keys.hpp"

namespace vlserve::model {

struct batch_runner::live_sequence {
  ticket group = 0;  // the ticket submit() returned; this sequence's key is group + choice
  int choice = 0;
  int pending_forks = 0;  // choices still to fork from this prompt once it is read (n - 1, then 0)
  sequence_id engine_seq = 0;
  sequence_input input;
  sequence_decoder decoder;
  int64_t prompt_done = 0;  // prompt tokens already in the cache
  int64_t reused = 0;       // of those, copied from the prefix cache
  int64_t passed_over = 0;  // consecutive steps this prompt got no tokens (step_plan.hpp)
  std::vector<uint64_t> keys;  // prefix-cache key of every prompt row

  live_sequence(sequence_id seq, sequence_input in, const tokenizer& tok,
                std::shared_ptr<const grammar::vocab_index> vocab)
      : engine_seq(seq), input(std::move(in)), decoder(tok, input.prompt_ids, input.settings, std::move(vocab)) {}
  int64_t prompt_remaining() const { return int64_t(input.prompt_ids.size()) - prompt_done; }
  int64_t batch_slots() const { return 1 + pending_forks; }  // a prompt keeps room for its forks
};

batch_runner::batch_runner(text_engine& engine, tokenizer tok, runner_options options)
    : engine_(engine), tok_(std::move(tok)), options_(options) {
  if (options_.max_batch < 1 || options_.prefill_chunk < 1 || options_.max_queue < 1)
    throw std::invalid_argument("runner options must be positive");
}

batch_runner::~batch_runner() = default;

ticket batch_runner::submit(sequence_input input) {
  if (input.prompt_ids.empty()) throw std::invalid_argument("the prompt is empty");
  const auto t = int64_t(input.prompt_ids.size());
  if (!input.positions.empty() && int64_t(input.positions.size()) != 3 * t)
    throw std::invalid_argument("positions must hold 3 rows of the prompt length");
  // Checked here, alone, so one bad prompt (e.g. a peer's job) never reaches a shared step.
  const int64_t vocab = engine_.vocab_size();
  for (const auto id : input.prompt_ids)
    if (id < 0 || id >= vocab)
      throw std::invalid_argument("token id " + std::to_string(id) + " is outside the vocabulary (0.." +
                                  std::to_string(vocab - 1) + ")");
  if (t >= options_.max_context)
    throw std::invalid_argument("the prompt has " + std::to_string(t) + " tokens; the context holds " +
                                std::to_string(options_.max_context));
  // Generation stops at the context bound with finish_reason "length" instead of failing a step.
  input.settings.stop.max_tokens = int(std::min<int64_t>(input.settings.stop.max_tokens, options_.max_context - t));
  validate(input.settings.sampling);
  validate(input.settings.stop);
  // All choices run in one batch, so more than max_batch could never be admitted.
  if (input.choices < 1 || input.choices > options_.max_batch)
    throw std::invalid_argument("n is " + std::to_string(input.choices) + "; between 1 and " +
                                std::to_string(options_.max_batch) + " (MAX_BATCH) choices are served");
  if (int64_t(queue_.size()) >= options_.max_queue) throw std::length_error("the request queue is full");
  const ticket id = next_ticket_;
  next_ticket_ += ticket(input.choices);
  queue_.emplace_back(id, std::move(input));
  return id;
}

void batch_runner::cancel(ticket id) { cancels_.push_back(id); }

void batch_runner::fail(ticket key, const std::string& why, std::vector<runner_event>& out) {
  auto it = active_.find(key);
  runner_event ev = make_event(*it->second, sequence_delta{});
  ev.finished = true;
  ev.error = why;
  out.push_back(ev);
  for (int c = 1; c <= it->second->pending_forks; ++c) {
    runner_event unforked = ev;
    unforked.choice = c;
    unforked.completion_tokens = unforked.reasoning_tokens = 0;
    out.push_back(std::move(unforked));
  }
  release(*it->second, false);  // a failed sequence's cache is not trusted for reuse
  active_.erase(it);
}

int64_t batch_runner::cached_tokens() const {
  int64_t n = 0;
  for (const auto& [id, s] : active_) n += engine_.sequence_length(s->engine_seq);
  return n;
}

runner_event batch_runner::make_event(live_sequence& s, sequence_delta delta) {
  runner_event ev;
  ev.id = s.group;
  ev.choice = s.choice;
  ev.finished = delta.finish != finish_reason::none;
  ev.delta = std::move(delta);
  ev.prompt_tokens = int(s.input.prompt_ids.size());
  ev.cached_tokens = int(s.reused);
  ev.completion_tokens = int(s.decoder.generated_ids().size());
  ev.reasoning_tokens = s.decoder.reasoning_tokens();
  return ev;
}

void batch_runner::release(live_sequence& s, bool reusable) {
  if (!reusable || s.keys.empty()) return engine_.free_sequence(s.engine_seq);
  // The cache holds the prompt rows read so far, then every generated token but the last (sampled,
  // never fed back): exactly what the next turn of a chat sends again.
  std::vector<uint64_t> keys(s.keys.begin(), s.keys.begin() + s.prompt_done);
  if (s.prompt_remaining() == 0) {
    const auto& gen = s.decoder.generated_ids();
    if (!gen.empty()) keys.insert(keys.end(), gen.begin(), gen.end() - 1);
  }
  engine_.retain_sequence(s.engine_seq, std::move(keys));
}

std::vector<runner_event> batch_runner::take_cancels() {
  std::vector<runner_event> out;
  for (ticket id : cancels_) {
    auto q = std::find_if(queue_.begin(), queue_.end(), [id](const auto& e) { return e.first == id; });
    if (q != queue_.end()) {
      for (int c = 0; c < q->second.choices; ++c) {
        runner_event ev;
        ev.id = id;
        ev.choice = c;
        ev.finished = ev.cancelled = true;
        ev.prompt_tokens = int(q->second.prompt_ids.size());
        out.push_back(std::move(ev));
      }
      queue_.erase(q);
      continue;
    }
    // The group's live choices hold consecutive keys from `id`; those already finished are gone.
    for (auto it = active_.lower_bound(id); it != active_.end() && it->second->group == id;) {
      live_sequence& s = *it->second;
      auto ev = make_event(s, s.decoder.finish_early());
      ev.finished = ev.cancelled = true;
      out.push_back(ev);
      for (int c = 1; c <= s.pending_forks; ++c) {  // cancelled before its prompt was read
        runner_event unforked = ev;
        unforked.choice = c;
        unforked.completion_tokens = unforked.reasoning_tokens = 0;
        unforked.delta = sequence_delta{};
        unforked.delta.finish = ev.delta.finish;
        out.push_back(std::move(unforked));
      }
      release(s, true);
      it = active_.erase(it);
    }
  }
  cancels_.clear();
  admission_order_.erase(std::remove_if(admission_order_.begin(), admission_order_.end(),
                                        [this](ticket t) { return !active_.count(t); }),
                         admission_order_.end());
  return out;
}

std::vector<ticket> batch_runner::fork_choices(live_sequence& parent) {
  std::vector<ticket> keys;
  for (int c = 1; c <= parent.pending_forks; ++c) {
    sequence_input input = parent.input;
    // Each choice draws on its own, reproducibly from the request's seed (rng.hpp choice_seed).
    if (input.settings.sampling.seed) input.settings.sampling.seed = choice_seed(*input.settings.sampling.seed, c);
    auto child = std::make_unique<live_sequence>(0, std::move(input), tok_, vocab_);
    child->engine_seq = engine_.fork_sequence(parent.engine_seq);
    child->group = parent.group;
    child->choice = c;
    child->prompt_done = parent.prompt_done;
    child->reused = parent.reused;
    child->keys = parent.keys;
    active_.emplace(parent.group + ticket(c), std::move(child));
    keys.push_back(parent.group + ticket(c));
  }
  parent.pending_forks = 0;
  return keys;
}

runner_event batch_runner::sample(ticket key, std::span<const float> row, bool prompt_ended, const chunk_logits& lg) {
  auto& s = *active_.at(key);
  // A sequence whose decoder fails (invalid logits, an output constraint with no way on) ends
  // alone with an error; its batch neighbours go on.
  runner_event ev;
  try {
    ev = make_event(s, s.decoder.on_logits(row));
  } catch (const std::exception& e) {
    ev = make_event(s, sequence_delta{});
    ev.finished = true;
    ev.error = e.what();
  }
  ev.completion_tokens = int(s.decoder.generated_ids().size());
  ev.reasoning_tokens = s.decoder.reasoning_tokens();
  if (prompt_ended && s.choice == 0) ev.prompt_logits = lg.values;
  if (ev.finished) {
    release(s, ev.error.empty());  // a failed decoder's history is not trusted for reuse
    active_.erase(key);
  }
  return ev;
}

void batch_runner::admit() {
  int64_t used = 0;
  for (const auto& [key, s] : active_) used += s->batch_slots();
  // In order: a request with n choices waits until n slots are free (its forks join this batch).
  while (!queue_.empty() && used + queue_.front().second.choices <= options_.max_batch) {
    auto [id, input] = std::move(queue_.front());
    queue_.pop_front();
    const auto seq = engine_.create_sequence(input.rope_delta);
    // The vocabulary trie is built once, when the first constrained sequence arrives.
    if (input.settings.grammar && !vocab_) vocab_ = std::make_shared<const grammar::vocab_index>(tok_);
    auto s = std::make_unique<live_sequence>(seq, std::move(input), tok_, vocab_);
    s->group = id;
    s->pending_forks = s->input.choices - 1;
    used += s->batch_slots();
    if (options_.prefix_cache && engine_.prefix_cache().max_bytes > 0) {
      // At least the last prompt row is read again: its logits start the answer.
      const auto total = int64_t(s->input.prompt_ids.size());
      const visual_injection* visual = s->input.visual.get();
      s->keys = prompt_cache_keys(s->input.prompt_ids, s->input.positions, visual);
      // Never end inside a run of vision rows, whether the prompt's last row or the held prefix
      // (a cancelled prefill may have stopped mid-image) would cut it.
      const int64_t held = engine_.held_prefix(s->keys, total - 1);
      s->reused = engine_.restore_prefix(seq, s->keys, reusable_prefix(held, visual));
      s->prompt_done = s->reused;
    }
    active_.emplace(id, std::move(s));
    admission_order_.push_back(id);
  }
}

std::vector<runner_event> batch_runner::step() {
  auto events = take_cancels();
  admit();
  if (active_.empty()) return events;

  std::vector<planned_sequence> planned;
  bool decoding = false;
  for (ticket id : admission_order_) {
    const auto& s = *active_.at(id);
    planned.push_back({id, s.prompt_remaining(), s.passed_over});
    decoding = decoding || s.prompt_remaining() == 0;
  }
  const int64_t budget =
      options_.paced_prefill ? pacer_.budget(decoding, options_.prefill_chunk) : options_.prefill_chunk;
  auto plan = plan_step(planned, budget);
  for (const auto& p : planned) {
    if (p.prompt_remaining == 0) continue;
    const bool served = std::any_of(plan.begin(), plan.end(), [&](const step_entry& e) { return e.id == p.id; });
    auto& s = *active_.at(p.id);
    s.passed_over = served ? 0 : s.passed_over + 1;
  }

  std::vector<chunk_logits> logits;
  int64_t decode_rows = 0, prompt_rows = 0;
  const auto started = std::chrono::steady_clock::now();
  // A chunk the engine refuses (it checks every chunk before touching any cache) fails only its
  // own sequence; the step runs again without it. Any other failure fails the whole step.
  while (!plan.empty()) {
    std::vector<sequence_chunk> chunks;
    decode_rows = prompt_rows = 0;
    for (const auto& entry : plan) {
      auto& s = *active_.at(entry.id);
      sequence_chunk c;
      c.seq = s.engine_seq;
      if (entry.prompt_tokens == 0) {
        c.tokens = {s.decoder.last_token()};
        c.logits_last = 1;
        ++decode_rows;
      } else {
        const auto begin = s.prompt_done;
        const auto end = begin + entry.prompt_tokens;
        const auto total = int64_t(s.input.prompt_ids.size());
        c.tokens.assign(s.input.prompt_ids.begin() + begin, s.input.prompt_ids.begin() + end);
        if (!s.input.positions.empty())
          for (int row = 0; row < 3; ++row)
            c.positions.insert(c.positions.end(), s.input.positions.begin() + row * total + begin,
                               s.input.positions.begin() + row * total + end);
        c.logits_last = end == total ? std::min<int64_t>(s.input.prompt_logits, entry.prompt_tokens) : 0;
        c.visual = s.input.visual;
        prompt_rows += entry.prompt_tokens;
      }
      chunks.push_back(std::move(c));
    }
    try {
      logits = engine_.step(chunks);
      break;
    } catch (const sequence_rejected& e) {
      const auto bad = std::find_if(plan.begin(), plan.end(),
                                    [&](const step_entry& entry) { return active_.at(entry.id)->engine_seq == e.seq(); });
      if (bad == plan.end()) throw;  // names no sequence of this step: a bug, not bad input
      fail(bad->id, e.what(), events);
      plan.erase(bad);
    } catch (const std::exception& e) {
      // Failed mid-way: the caches of every sequence in the step are in doubt.
      for (const auto& entry : plan) fail(entry.id, e.what(), events);
      plan.clear();
    }
  }
  last_step_size_ = plan.size();
  admission_order_.erase(std::remove_if(admission_order_.begin(), admission_order_.end(),
                                        [this](ticket t) { return !active_.count(t); }),
                         admission_order_.end());
  if (plan.empty()) return events;
  pacer_.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), decode_rows,
                 prompt_rows);

  size_t next_logits = 0;
  std::vector<ticket> forked;
  for (const auto& entry : plan) {
    auto& s = *active_.at(entry.id);
    const bool was_prefill = entry.prompt_tokens > 0;
    if (was_prefill) s.prompt_done += entry.prompt_tokens;
    const bool produces = !was_prefill || s.prompt_remaining() == 0;
    if (!produces) continue;
    const auto& lg = logits.at(next_logits++);
    const auto vocab = size_t(engine_.vocab_size());
    std::span<const float> last_row(lg.values.data() + (lg.rows - 1) * vocab, vocab);
    std::vector<ticket> choices{entry.id};
    if (s.pending_forks > 0) {
      // n > 1: the prompt is read once; its cache is copied (before the first token can end and
      // release it) and every choice samples its first token from the same last prompt row.
      try {
        const auto more = fork_choices(s);
        choices.insert(choices.end(), more.begin(), more.end());
        forked.insert(forked.end(), more.begin(), more.end());
      } catch (const std::exception& e) {
        fail(entry.id, std::string("could not fork the prompt into its choices: ") + e.what(), events);
        continue;
      }
    }
    for (const ticket key : choices) events.push_back(sample(key, last_row, was_prefill, lg));
  }
  admission_order_.insert(admission_order_.end(), forked.begin(), forked.end());
  admission_order_.erase(std::remove_if(admission_order_.begin(), admission_order_.end(),
                                        [this](ticket t) { return !active_.count(t); }),
                         admission_order_.end());
  return events;
}

}  // namespace vlserve::model
