// Byte-level BPE over raw bytes: the vocabulary is kept as the bytes each token stands for (not its
// "Ġ" spelling), so a piece of text is split into bytes and merged by rank with no re-mapping.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vlserve::model {

// Lets the maps be searched with a string_view. Deliberately not noexcept: libstdc++ then stores
// each node's hash instead of re-hashing keys while walking a bucket (3x faster loading).
struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using string_id_map = std::unordered_map<std::string, std::int32_t, string_hash, std::equal_to<>>;

class bpe_model {
 public:
  // vocab: raw token bytes -> id. Every single byte must have a token (byte-level BPE has no
  // unknown token). Throws std::invalid_argument otherwise.
  explicit bpe_model(string_id_map vocab);
  bpe_model(const bpe_model&) = delete;
  bpe_model& operator=(const bpe_model&) = delete;

  // Appends the next merge rule (rank = number of rules added before). Throws std::invalid_argument
  // when a side or the merged result is not in the vocabulary.
  void add_merge(std::string_view left, std::string_view right);
  void reserve_merges(std::size_t n) { merges_.reserve(n); }

  // Token ids of one pre-tokenized piece (raw bytes), appended to `out`. Thread-safe.
  void encode_piece(std::string_view piece, std::vector<std::int32_t>& out) const;

  const string_id_map& vocab() const { return vocab_; }
  std::size_t merge_count() const { return merges_.size(); }

 private:
  struct merge_rule {
    std::int32_t rank;
    std::int32_t merged_id;
  };
  static std::uint64_t pair_key(std::int32_t a, std::int32_t b) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(a)) << 32) | static_cast<std::uint32_t>(b);
  }
  const merge_rule* find_merge(std::int32_t a, std::int32_t b) const;
  void merge_bytes(std::string_view piece, std::vector<std::int32_t>& out) const;

  string_id_map vocab_;
  std::array<std::int32_t, 256> byte_ids_{};
  std::unordered_map<std::uint64_t, merge_rule> merges_;
  std::string joined_;  // scratch for add_merge

  // Words repeat a lot in text, so their merged ids are remembered. Bounded: cleared when full.
  static constexpr std::size_t cache_capacity = 1 << 16;
  static constexpr std::size_t cache_max_piece = 128;
  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, std::vector<std::int32_t>, string_hash, std::equal_to<>> cache_;
};

}  // namespace vlserve::model
