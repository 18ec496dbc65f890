#include "http/api_keys.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace vlserve::http {

api_keyring::api_keyring(const std::vector<std::string>& keys) {
  for (const auto& k : keys) keys_.push_back({k, owner_tag(k)});
}

std::optional<std::string> api_keyring::owner_of(std::string_view authorization) const {
  if (keys_.empty()) return std::string();
  constexpr std::string_view scheme = "Bearer ";
  if (authorization.size() <= scheme.size()) return std::nullopt;
  // The scheme is case-insensitive (RFC 7235); the key is not.
  for (size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != std::tolower(scheme[i])) return std::nullopt;
  const auto presented = authorization.substr(scheme.size());
  const entry* match = nullptr;
  for (const auto& e : keys_)
    if (constant_time_equal(presented, e.key) && !match) match = &e;
  if (!match) return std::nullopt;
  return match->tag;
}

std::string owner_tag(std::string_view key) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(key.data(), key.size(), digest, &length, EVP_sha256(), nullptr);
  std::string tag = "k";
  char hex[3];
  for (unsigned i = 0; i < 8 && i < length; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", digest[i]);
    tag += hex;
  }
  return tag;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Walks the longer input whole and folds every difference (lengths included) into one value.
  const size_t n = std::max(a.size(), b.size());
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

}  // namespace vlserve::http
