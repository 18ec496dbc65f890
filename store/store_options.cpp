#include "store/store_options.hpp"

#include "config/settings.hpp"
#include "store/keys.hpp"
#include "store/store_error.hpp"

namespace vlserve::store {

namespace {

[[noreturn]] void bad(const std::string& what) {
  throw store_error(store_errc::invalid_argument, "invalid session store option: " + what);
}

}  // namespace

void validate(const store_options& options) {
  // LMDB needs a few pages for its two meta pages and the database roots.
  constexpr uint64_t min_map = 64u << 10;
  if (options.path.empty()) bad("path is empty; set SESSIONS_DB_PATH to a directory");
  if (options.initial_map_bytes < min_map)
    bad("initial_map_bytes " + std::to_string(options.initial_map_bytes) + " is below 65536");
  if (options.max_map_bytes < options.initial_map_bytes)
    bad("max_map_bytes " + std::to_string(options.max_map_bytes) + " is below initial_map_bytes " +
        std::to_string(options.initial_map_bytes));
  if (options.max_event_bytes == 0) bad("max_event_bytes is 0");
  if (options.max_events_per_session == 0 || options.max_events_per_session > max_event_index + 1)
    bad("max_events_per_session " + std::to_string(options.max_events_per_session) +
        " is outside 1..10000000000");
}

store_options options_from(const config::settings& settings) {
  store_options options;
  options.path = settings.sessions_db_path;
  options.max_request_bytes = static_cast<std::size_t>(settings.max_request_bytes);
  return options;
}

}  // namespace vlserve::store
