// The one exception the hub code throws: a kind for callers that branch, and a message that says
// what failed and what to do about it. Messages never contain the token.
#pragma once

#include <stdexcept>
#include <string>

namespace vlserve::hub {

enum class hub_error_kind {
  bad_request,        // an invalid repo id, revision or file name
  unauthorized,       // 401/403: missing, wrong or insufficient HF_TOKEN, or a gated repo
  not_found,          // repo, revision or a required file does not exist
  offline,            // HF_HUB_OFFLINE=1 and the cache does not hold the files
  disk_full,          // no space left where the cache lives
  cache_not_writable, // the cache folder cannot be created or written (permissions, read-only disk)
  checksum_mismatch,  // downloaded bytes do not match the hub's size or sha256
  network,            // the hub could not be reached or kept failing after all retries
  invalid_model,      // a local directory or snapshot lacks files or has a broken index
};

class hub_error : public std::runtime_error {
 public:
  hub_error(hub_error_kind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  hub_error_kind kind() const { return kind_; }

 private:
  hub_error_kind kind_;
};

}  // namespace vlserve::hub
