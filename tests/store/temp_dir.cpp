#include "tests/store/temp_dir.hpp"

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>

namespace vlserve::store::testing {

store_options options_in(const temp_dir& dir, const std::string& name) {
  store_options options;
  options.path = dir.path() + "/" + name;
  return options;
}

session_meta make_meta(const std::string& id, session_state state, int64_t updated_unix) {
  session_meta meta;
  meta.id = id;
  meta.state = state;
  meta.created_unix = updated_unix - 5;
  meta.updated_unix = updated_unix;
  meta.model = "Qwen/Qwen3-VL-2B-Thinking";
  return meta;
}

std::vector<event_record> make_events(const std::string& id, uint64_t first, uint64_t count) {
  std::vector<event_record> events;
  events.reserve(count);
  for (uint64_t i = first; i < first + count; ++i)
    events.push_back(event_record{id, i, "event " + std::to_string(i) + " of " + id});
  return events;
}

}  // namespace vlserve::store::testing
