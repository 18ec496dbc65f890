// A fresh directory under $TMPDIR for one test, removed with everything in it afterwards.
#pragma once

#include "tests/support/temp_dir.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "store/records.hpp"
#include "store/store_options.hpp"

namespace vlserve::store::testing {

using temp_dir = vlserve::testing::temp_dir;

// Options for a store in dir/name with the library defaults otherwise.
store_options options_in(const temp_dir& dir, const std::string& name = "sessions");

session_meta make_meta(const std::string& id, session_state state, int64_t updated_unix);

// Events first..first+count-1 of one session; payload i is "event <i> of <id>".
std::vector<event_record> make_events(const std::string& id, uint64_t first, uint64_t count);

}  // namespace vlserve::store::testing
