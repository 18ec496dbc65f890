// Python's float repr: the shortest digits that round-trip, fixed notation when the decimal
// exponent is in [-4, 16), scientific otherwise ("1e-05", "1.5e+16"), and ".0" on whole numbers.
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include "model/chat/python_json.hpp"

namespace vlserve::model {

std::string python_float_repr(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value < 0 ? "-Infinity" : "Infinity";

  // Shortest round-trip digits in scientific form, e.g. "-1.2345e-07" or "5e+00".
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string sci(buf, res.ptr);

  std::string sign;
  std::size_t pos = 0;
  if (sci[0] == '-') {
    sign = "-";
    pos = 1;
  }
  const std::size_t e_at = sci.find('e');
  std::string digits;
  for (std::size_t i = pos; i < e_at; ++i)
    if (sci[i] != '.') digits += sci[i];
  const int exponent = std::atoi(sci.c_str() + e_at + 1);

  if (exponent < -4 || exponent >= 16) {
    std::string out = sign + digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    const int mag = exponent < 0 ? -exponent : exponent;
    out += exponent < 0 ? "e-" : "e+";
    if (mag < 10) out += "0";
    out += std::to_string(mag);
    return out;
  }
  // decpt: how many digits stand before the decimal point (may be <= 0).
  const int decpt = exponent + 1;
  const int n = static_cast<int>(digits.size());
  if (decpt <= 0) return sign + "0." + std::string(static_cast<std::size_t>(-decpt), '0') + digits;
  if (decpt >= n)
    return sign + digits + std::string(static_cast<std::size_t>(decpt - n), '0') + ".0";
  return sign + digits.substr(0, static_cast<std::size_t>(decpt)) + "." +
         digits.substr(static_cast<std::size_t>(decpt));
}

}  // namespace vlserve::model
