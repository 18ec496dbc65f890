// Where the store lives and the bounds it enforces.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace vlserve::config {
struct settings;
}

namespace vlserve::store {

struct store_options {
  std::string path;  // directory holding data.mdb and lock.mdb; created if missing
  // Address space reserved at open. The file grows only with use (no MDB_WRITEMAP), so a big
  // value is cheap; on MDB_MAP_FULL the map doubles up to max_map_bytes.
  uint64_t initial_map_bytes = 1ull << 30;
  uint64_t max_map_bytes = 64ull << 30;
  std::size_t max_event_bytes = 1u << 20;      // one SSE event payload
  uint64_t max_events_per_session = 1u << 20;  // also bounded by the 10-digit key index
  std::size_t max_request_bytes = 64u << 20;   // the stored original request text
  std::size_t max_model_bytes = 256;           // the model name in the metadata record
};

// Throws store_error(invalid_argument) naming the first bad field.
void validate(const store_options& options);

// path from SESSIONS_DB_PATH, max_request_bytes from MAX_REQUEST_BYTES; the rest default.
store_options options_from(const config::settings& settings);

}  // namespace vlserve::store
