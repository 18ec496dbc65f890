// The model name clients see (/v1/models, "model" in responses) and may send in requests.
#pragma once

#include <string>

#include "config/settings.hpp"

namespace vlserve::config {

// SERVED_MODEL_NAME when set. Otherwise the hub repo id, never a local path: a Hugging Face cache
// folder ".../models--Org--Name/snapshots/<rev>" gives "Org/Name", another local directory its
// last path component.
std::string served_model_name(const settings& s);

}  // namespace vlserve::config
