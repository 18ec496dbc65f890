#include "model/text/prompt_cache_keys.hpp"

#include <algorithm>

#include "model/content_hash.hpp"
#include "model/text/visual_injection.hpp"

namespace vlserve::model {
namespace {

constexpr uint64_t k_vision_tag = uint64_t(1) << 63;  // token ids never reach bit 63

// splitmix64's finaliser: spreads (run hash + offset) over all bits.
uint64_t mix(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

std::vector<uint64_t> prompt_cache_keys(const std::vector<int32_t>& prompt_ids,
                                        const std::vector<int64_t>& positions,
                                        const visual_injection* visual) {
  std::vector<uint64_t> keys(prompt_ids.begin(), prompt_ids.end());
  if (!visual || visual->rows.empty()) return keys;
  const at::Tensor emb = visual->embeddings.to(at::kCPU).contiguous();
  const auto row_bytes = size_t(emb.size(1)) * emb.element_size();
  const auto* base = static_cast<const unsigned char*>(emb.data_ptr());
  const auto t = int64_t(prompt_ids.size());
  const std::vector<int64_t>& rows = visual->rows;
  for (size_t begin = 0; begin < rows.size();) {
    size_t end = begin + 1;  // a run: consecutive prompt indices
    while (end < rows.size() && rows[end] == rows[end - 1] + 1) ++end;
    uint64_t h = content_hash(base + begin * row_bytes, (end - begin) * row_bytes);
    if (int64_t(positions.size()) == 3 * t) {
      for (int r = 0; r < 3; ++r)
        h = content_hash(positions.data() + r * t + rows[begin], (end - begin) * sizeof(int64_t), h);
    }
    for (size_t i = begin; i < end; ++i) {
      if (rows[i] >= 0 && rows[i] < t) keys[size_t(rows[i])] = k_vision_tag | (mix(h + i - begin) >> 1);
    }
    begin = end;
  }
  return keys;
}

int64_t reusable_prefix(int64_t limit, const visual_injection* visual) {
  if (!visual || limit <= 0) return std::max<int64_t>(limit, 0);
  const std::vector<int64_t>& rows = visual->rows;
  // Row `limit` is the first one read again; inside a run (its predecessor is a vision row of the
  // same run) back off to the run's first row.
  auto it = std::lower_bound(rows.begin(), rows.end(), limit);
  if (it == rows.end() || *it != limit) return limit;
  while (it != rows.begin() && *(it - 1) == *it - 1) --it;
  return *it;
}

}  // namespace vlserve::model
