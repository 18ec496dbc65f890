// A JSON number read byte by byte, and whether its digits so far can still end inside the bounds.
// No exponents are generated; digits are capped (max_int_digits, max_frac_digits).
#pragma once

#include <cstdint>

#include "model/grammar/grammar.hpp"

namespace vlserve::model::grammar {

// 12 + 6 digits fit an int64 mantissa exactly, so value() rounds like a JSON parser does.
inline constexpr int max_int_digits = 12;
inline constexpr int max_frac_digits = 6;

struct number_prefix {
  enum phase_t : std::uint8_t { start, int_digits, leading_zero, dot, frac_digits };
  phase_t phase = start;
  bool negative = false;
  bool integer = false;  // no '.' allowed
  std::uint8_t ints = 0, fracs = 0;
  std::int64_t mantissa = 0;  // the digits so far, '.' left out
  double magnitude = 0;       // mantissa / 10^fracs

  // False when `b` cannot continue the number (the caller then tries it as the byte after it).
  bool push(char b);
  // The digits so far form a complete number.
  bool complete() const { return phase == int_digits || phase == leading_zero || phase == frac_digits; }
  double value() const { return negative ? -magnitude : magnitude; }
};

// Some completion of p (more digits, a fraction) lies inside `bounds`.
bool can_reach(const number_prefix& p, const number_bounds& bounds);
// p's value as it stands lies inside `bounds`.
bool within(const number_prefix& p, const number_bounds& bounds);

}  // namespace vlserve::model::grammar
