// Per-sequence random number state for sampling: xoshiro256** seeded through splitmix64, with a
// fixed conversion to double. Neither std::mt19937's seeding nor std::uniform_real_distribution is
// pinned down across standard libraries, so a seed would not replay the same tokens everywhere;
// this generator gives the same stream on every platform and compiler.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

namespace vlserve::model {

// The seed of choice `choice` of an n > 1 request seeded with `seed`: choice 0 keeps the request's
// seed (so n = 1 replays as before), later choices get splitmix64(seed, choice) — fixed, so every
// choice replays, and far apart, so no two choices draw overlapping streams.
std::uint64_t choice_seed(std::uint64_t seed, int choice);

class rng_state {
 public:
  // Same seed, same stream of numbers (and so the same tokens for the same logits).
  explicit rng_state(std::uint64_t seed);
  // A seed from std::random_device: for requests that did not ask for reproducibility.
  static rng_state from_entropy();
  // The request's seed if it has one, entropy otherwise.
  static rng_state for_request(const std::optional<std::uint64_t>& seed);

  std::uint64_t next_u64();
  // Uniform in [0, 1) with 53 random bits; exact and portable (no library distribution involved).
  double next_unit();

  // The raw state, so a sequence can be checkpointed and resumed with the same stream.
  std::array<std::uint64_t, 4> state() const { return s_; }

 private:
  std::array<std::uint64_t, 4> s_{};
};

}  // namespace vlserve::model
