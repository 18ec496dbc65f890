#include "model/sampling/rng.hpp"

#include <random>

namespace vlserve::model {

namespace {

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// splitmix64 spreads one 64-bit seed over the 256-bit state; it never yields the all-zero state
// from consecutive outputs, which xoshiro must avoid.
std::uint64_t splitmix64(std::uint64_t& x) {
  x += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = x;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

std::uint64_t choice_seed(std::uint64_t seed, int choice) {
  if (choice == 0) return seed;
  std::uint64_t x = seed ^ (std::uint64_t(choice) * 0xd1b54a32d192ed03ULL);
  return splitmix64(x);
}

rng_state::rng_state(std::uint64_t seed) {
  std::uint64_t x = seed;
  for (auto& word : s_) word = splitmix64(x);
}

rng_state rng_state::from_entropy() {
  std::random_device device;
  const std::uint64_t hi = device();
  const std::uint64_t lo = device();
  return rng_state((hi << 32) ^ lo);
}

rng_state rng_state::for_request(const std::optional<std::uint64_t>& seed) {
  return seed ? rng_state(*seed) : from_entropy();
}

std::uint64_t rng_state::next_u64() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double rng_state::next_unit() {
  // The top 53 bits fill a double's mantissa exactly: k * 2^-53 for k in [0, 2^53).
  return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

}  // namespace vlserve::model
