#include "model/checkpoint/model_fingerprint.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <vector>

namespace vlserve::model {
namespace {

constexpr std::streamsize k_weight_prefix = 1 << 20;  // bytes hashed per safetensors file

void fnv1a(uint64_t& h, const char* data, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    h ^= uint8_t(data[i]);
    h *= 1099511628211ull;
  }
}

// Hashes up to `limit` bytes of `path` (its name too, so a renamed shard counts).
void hash_file(uint64_t& h, const std::filesystem::path& path, std::streamsize limit, bool required) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (required) throw std::runtime_error("cannot read " + path.string() + " for the model fingerprint");
    return;
  }
  const std::string name = path.filename().string();
  fnv1a(h, name.data(), name.size());
  std::vector<char> buf(1 << 16);
  std::streamsize left = limit;
  while (left > 0 && in) {
    in.read(buf.data(), std::min<std::streamsize>(left, std::streamsize(buf.size())));
    fnv1a(h, buf.data(), size_t(in.gcount()));
    left -= in.gcount();
  }
}

}  // namespace

std::string model_fingerprint(const std::string& model_dir) {
  const std::filesystem::path dir(model_dir);
  uint64_t h = 14695981039346656037ull;
  hash_file(h, dir / "config.json", std::numeric_limits<std::streamsize>::max(), true);
  hash_file(h, dir / "tokenizer.json", std::numeric_limits<std::streamsize>::max(), true);
  std::vector<std::filesystem::path> shards;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".safetensors") shards.push_back(e.path());
  std::sort(shards.begin(), shards.end());
  for (const auto& s : shards) hash_file(h, s, k_weight_prefix, false);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

}  // namespace vlserve::model
