// The one exception type the store throws; code() lets the persister map it to a caf::error
// and http/ map it to a status without parsing what().
#pragma once

#include <stdexcept>
#include <string>

namespace vlserve::store {

enum class store_errc {
  invalid_argument,  // a caller-supplied value is malformed (bad session id, bad option)
  limit_exceeded,    // a configured bound was hit (event size, events per session, request size)
  out_of_order,      // an event index is not the next one for its session
  not_found,         // events for a session that has no metadata record
  corrupt,           // the file or a record in it cannot be decoded
  map_full,          // the map reached max_map_bytes; sweep or raise the cap
  io,                // the directory or LMDB itself failed (permissions, disk, ...)
};

const char* to_string(store_errc code) noexcept;

// what() is one line naming the store path or session id, what failed and, for LMDB failures,
// mdb_strerror of the return code.
class store_error : public std::runtime_error {
 public:
  store_error(store_errc code, const std::string& message) : std::runtime_error(message), code_(code) {}
  store_errc code() const noexcept { return code_; }

 private:
  store_errc code_;
};

}  // namespace vlserve::store
