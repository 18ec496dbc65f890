#include "model/text/mrope_layout.hpp"

namespace vlserve::model {

std::vector<int64_t> mrope_streams(int64_t head_dim, const std::vector<int64_t>& section) {
  const int64_t half = head_dim / 2;
  std::vector<int64_t> stream(size_t(half > 0 ? half : 0), 0);
  for (int64_t s = 1; s <= 2; ++s) {
    const int64_t limit = section.size() > size_t(s) ? 3 * section[size_t(s)] : 0;
    for (int64_t j = s; j < limit && j < half; j += 3) stream[size_t(j)] = s;
  }
  return stream;
}

std::string mrope_channel_map(int64_t head_dim, const std::vector<int64_t>& section) {
  std::string s;
  for (int64_t v : mrope_streams(head_dim, section)) s.push_back("THW"[v]);
  return s;
}

}  // namespace vlserve::model
