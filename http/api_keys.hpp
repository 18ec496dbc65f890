// API key checks for the /v1 routes (no Pistache here, so the rules are unit-tested alone).
//
// Each key has an owner tag, "k" + the first 16 hex digits of its sha256: sessions are stored as
// "<tag>~<client id>", so two keys may both call a session "demo", a key never reaches another's
// sessions, and the tag (unlike the key) may sit in the store and the logs.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/session_id.hpp"

namespace vlserve::http {

class api_keyring {
 public:
  explicit api_keyring(const std::vector<std::string>& keys);

  bool enabled() const { return !keys_.empty(); }
  // The owner tag of the key in an "Authorization: Bearer <key>" value: "" when no keys are
  // configured (every caller is the same anonymous owner), nullopt when the header is missing or
  // names no configured key. Every key is compared in constant time, whatever matched.
  std::optional<std::string> owner_of(std::string_view authorization) const;

 private:
  struct entry {
    std::string key, tag;
  };
  std::vector<entry> keys_;
};

// "k" + 16 lower-case hex digits of sha256(key).
std::string owner_tag(std::string_view key);

// Equal contents, in a time that depends only on the lengths (not on where they differ).
bool constant_time_equal(std::string_view a, std::string_view b);

// Scoping a client's id under a tag: store::scoped_session_id / client_session_id
// (store/session_id.hpp), shared with the actors' messages.
using store::client_session_id;
using store::scoped_session_id;

}  // namespace vlserve::http
