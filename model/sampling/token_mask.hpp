// Which token ids may be sampled this step: one bit per id. The grammar matcher fills it; the
// sampler gives every id outside it a logit of -inf.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vlserve::model {

class token_mask {
 public:
  // All `size` ids disallowed.
  void reset(std::size_t size) {
    size_ = size;
    bits_.assign((size + 63) / 64, 0);
  }
  void allow(std::int32_t id) {
    if (id >= 0 && std::size_t(id) < size_) bits_[std::size_t(id) >> 6] |= std::uint64_t{1} << (id & 63);
  }
  bool allows(std::int32_t id) const {
    return id >= 0 && std::size_t(id) < size_ && (bits_[std::size_t(id) >> 6] >> (id & 63)) & 1;
  }
  std::size_t size() const { return size_; }
  // Bit i of word i / 64 is id i; bits past size() are zero.
  const std::vector<std::uint64_t>& words() const { return bits_; }
  // Also allow every id `other` allows (other may be smaller).
  void merge(const token_mask& other) {
    for (std::size_t i = 0; i < other.bits_.size() && i < bits_.size(); ++i) bits_[i] |= other.bits_[i];
  }
  std::size_t count() const {
    std::size_t n = 0;
    for (const auto w : bits_) n += std::size_t(__builtin_popcountll(w));
    return n;
  }

 private:
  std::size_t size_ = 0;
  std::vector<std::uint64_t> bits_;
};

}  // namespace vlserve::model
