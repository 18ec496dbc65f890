// Command-line parsing shared by `vlserve bench` and `vlserve random-checkpoint`: "--flag value"
// pairs with typed, bounded conversions whose errors name the flag.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace vlserve::cli {

// Splits args into flag -> value. Throws std::invalid_argument for a flag not in `known`, a flag
// given twice, or a flag without a value.
std::map<std::string, std::string> parse_flags(const std::vector<std::string>& args,
                                               const std::vector<std::string>& known);
// Whole-string integer in [lo, hi]; throws std::invalid_argument naming `flag`.
int64_t parse_int(const std::string& flag, const std::string& text, int64_t lo, int64_t hi);
// "1,4,8": 1..64 comma-separated integers in [lo, hi].
std::vector<int64_t> parse_int_list(const std::string& flag, const std::string& text, int64_t lo,
                                    int64_t hi);

}  // namespace vlserve::cli
