#include "cli/bench_args.hpp"

#include <algorithm>
#include <stdexcept>

namespace vlserve::cli {

std::map<std::string, std::string> parse_flags(const std::vector<std::string>& args,
                                               const std::vector<std::string>& known) {
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (std::find(known.begin(), known.end(), flag) == known.end())
      throw std::invalid_argument("unknown argument '" + flag + "'");
    if (i + 1 >= args.size()) throw std::invalid_argument(flag + " needs a value");
    if (!out.emplace(flag, args[++i]).second) throw std::invalid_argument(flag + " given twice");
  }
  return out;
}

int64_t parse_int(const std::string& flag, const std::string& text, int64_t lo, int64_t hi) {
  size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || v < lo || v > hi)
    throw std::invalid_argument(flag + " must be an integer in " + std::to_string(lo) + ".." +
                                std::to_string(hi) + ", got '" + text + "'");
  return v;
}

std::vector<int64_t> parse_int_list(const std::string& flag, const std::string& text, int64_t lo,
                                    int64_t hi) {
  std::vector<int64_t> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    out.push_back(parse_int(flag, text.substr(start, comma - start), lo, hi));
    if (out.size() > 64) throw std::invalid_argument(flag + " lists more than 64 values");
    start = comma + 1;
  }
  return out;
}

}  // namespace vlserve::cli
