#include "model/grammar/number_prefix.hpp"

#include <cmath>

namespace vlserve::model::grammar {
namespace {

bool is_digit(char b) { return b >= '0' && b <= '9'; }

// Whether a value with magnitude in [a, b) (integers: a..b-1) and p's sign meets the bounds.
bool meets(double a, double b, const number_prefix& p, const number_bounds& r) {
  if (p.integer) {
    const double lo = p.negative ? -(b - 1) : a, hi = p.negative ? -a : b - 1;
    return lo <= r.hi && hi >= r.lo;
  }
  // Signed interval [a, b) for positives, (-b, -a] for negatives.
  if (!p.negative) return (r.hi_exclusive ? a < r.hi : a <= r.hi) && b > r.lo;
  return (r.lo_exclusive ? -a > r.lo : -a >= r.lo) && -b < r.hi;
}

}  // namespace

bool number_prefix::push(char b) {
  switch (phase) {
    case start:
      if (b == '-' && !negative && ints == 0) {
        negative = true;
        return true;
      }
      if (!is_digit(b)) return false;
      phase = b == '0' ? leading_zero : int_digits;
      mantissa = b - '0';
      magnitude = double(mantissa);
      ints = 1;
      return true;
    case int_digits:
      if (is_digit(b) && ints < max_int_digits) {
        mantissa = mantissa * 10 + (b - '0');
        magnitude = double(mantissa);
        ++ints;
        return true;
      }
      [[fallthrough]];
    case leading_zero:
      if (b == '.' && !integer) {
        phase = dot;
        return true;
      }
      return false;
    case dot:
    case frac_digits:
      if (!is_digit(b) || fracs >= max_frac_digits) return false;
      ++fracs;
      mantissa = mantissa * 10 + (b - '0');
      magnitude = double(mantissa) / std::pow(10.0, double(fracs));  // exact power, one rounding
      phase = frac_digits;
      return true;
  }
  return false;
}

bool can_reach(const number_prefix& p, const number_bounds& r) {
  if (!r.bounded()) return true;
  const double inf = std::numeric_limits<double>::infinity();
  const double v = p.magnitude;
  switch (p.phase) {
    case number_prefix::start: return meets(0, inf, p, r);
    case number_prefix::leading_zero: return meets(0, 1, p, r);
    case number_prefix::dot: return meets(v, v + 1, p, r);
    case number_prefix::frac_digits: return meets(v, v + std::pow(10.0, -double(p.fracs)) * (1 + 1e-9), p, r);
    case number_prefix::int_digits:
      // As it stands (plus a fraction), or with k more integer digits.
      for (int k = 0; p.ints + k <= max_int_digits; ++k) {
        const double scale = std::pow(10.0, double(k));
        if (meets(v * scale, (v + 1) * scale, p, r)) return true;
      }
      return false;
  }
  return false;
}

bool within(const number_prefix& p, const number_bounds& r) {
  const double x = p.value();
  return (r.lo_exclusive ? x > r.lo : x >= r.lo) && (r.hi_exclusive ? x < r.hi : x <= r.hi);
}

}  // namespace vlserve::model::grammar
