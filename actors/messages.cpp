#include "actors/messages.hpp"

namespace vlserve::actors {

const char* state_name(session_state s) { return store::to_string(s).data(); }

}  // namespace vlserve::actors
