#include "config/effort_budgets.hpp"

#include <charconv>

#include "config/config_error.hpp"

namespace vlserve::config {
namespace {

constexpr const char* level_names[3] = {"low", "medium", "high"};

[[noreturn]] void reject(const std::string& name, const std::string& value) {
  throw config_error(name + "=" + value +
                     " is invalid: expected low=N,medium=N,high=N with 1 <= low <= medium <= high <= " +
                     std::to_string(max_effort_budget));
}

}  // namespace

effort_budgets parse_effort_budgets(const std::string& name, const std::string& value) {
  effort_budgets out{0, 0, 0};
  std::size_t begin = 0;
  for (int item = 0; item < 3; ++item) {
    std::size_t end = value.find(',', begin);
    if (end == std::string::npos) end = value.size();
    const std::string entry = value.substr(begin, end - begin);
    const std::size_t eq = entry.find('=');
    if (eq == std::string::npos) reject(name, value);
    int level = -1;
    for (int i = 0; i < 3; ++i)
      if (entry.compare(0, eq, level_names[i]) == 0 && eq == std::char_traits<char>::length(level_names[i])) level = i;
    if (level < 0 || out[level] != 0) reject(name, value);
    const char* first = entry.data() + eq + 1;
    const char* last = entry.data() + entry.size();
    const auto r = std::from_chars(first, last, out[level]);
    if (r.ec != std::errc() || r.ptr != last || out[level] < 1 || out[level] > max_effort_budget) reject(name, value);
    begin = end + 1;
    if ((item < 2) != (end < value.size())) reject(name, value);
  }
  if (out[0] > out[1] || out[1] > out[2]) reject(name, value);
  return out;
}

std::string show_effort_budgets(const effort_budgets& b) {
  return "low=" + std::to_string(b[0]) + ",medium=" + std::to_string(b[1]) + ",high=" + std::to_string(b[2]);
}

}  // namespace vlserve::config
