#include "actors/service_state.hpp"

namespace vlserve::actors {

const char* phase_name(model_phase p) {
  switch (p) {
    case model_phase::loading: return "loading";
    case model_phase::ready: return "ready";
    case model_phase::error: return "error";
  }
  return "error";
}

}  // namespace vlserve::actors
