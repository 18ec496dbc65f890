// Where the model worker's model comes from, handed to the worker at spawn: the runtime's loader
// resolves MODEL_REPO_ID through the hub (maybe downloading), checks that the weights fit in
// memory and sizes the prefix cache; actor tests hand the worker the fixture model directly.
#pragma once

#include <functional>
#include <string>

#include "hub/hub_options.hpp"
#include "model/serving/loaded_model.hpp"

namespace vlserve::actors {

// Reports loading progress for /health: what is happening and how far (0..1).
using load_progress = std::function<void(const std::string& detail, double fraction)>;
// Called once, on the worker's own thread. Throws with a message an operator can act on.
using model_loader = std::function<model::loaded_model(const load_progress&)>;

// prefix_cache_bytes: PREFIX_CACHE_BYTES, -1 = a quarter of what the weights leave free (at most
// 4 GiB; 1 GiB where free memory is unknown).
model_loader hub_model_loader(hub::hub_options hub, model::model_load_options options, int64_t prefix_cache_bytes);

}  // namespace vlserve::actors
