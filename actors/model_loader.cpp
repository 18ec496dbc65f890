#include "actors/model_loader.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "hub/hub_error.hpp"
#include "hub/resolve_model_dir.hpp"
#include "model/device_info.hpp"
#include "model/serving/memory_check.hpp"
#include "model/vision/tower/vision_tower.hpp"

namespace vlserve::actors {

model_loader hub_model_loader(hub::hub_options hub, model::model_load_options options, int64_t prefix_cache_bytes) {
  return [hub = std::move(hub), options, prefix_cache_bytes](const load_progress& progress) {
    progress("resolving model files", 0.0);
    std::string dir;
    try {
      dir = hub::resolve_model_dir(hub, [&](const hub::download_progress& p) {
        progress("downloading " + p.current_file + " (" + std::to_string(int(p.percent)) + "%)", p.percent / 100.0);
      });
    } catch (const hub::hub_error& e) {
      // Say how to provide the model, not only why fetching it failed.
      throw std::runtime_error(std::string("the model is not available: ") + e.what() +
                               ". To serve it, set MODEL_REPO_ID to a local model directory (config.json, "
                               "*.safetensors, tokenizer files), or give this machine access to the hub "
                               "(HF_ENDPOINT) with HF_TOKEN for gated models");
    }
    model::model_load_options o = options;
    o.engine.prefix_cache_bytes = prefix_cache_bytes;
    if (o.engine.device == "cpu") {
      if (const auto free = model::available_memory_bytes()) {
        uint64_t weights = model::estimate_weight_bytes(dir, o.engine.dtype);
        // A float32 tower beside a 2-byte engine holds its weights at twice their file bytes.
        if (o.engine.dtype != "float32" &&
            model::resolve_vision_dtype(o.vision_dtype, o.engine.dtype, o.engine.device) == "float32")
          weights += model::vision_weight_bytes(dir);
        model::check_memory_fits(weights, *free, o.engine.dtype);
        // auto: a quarter of what the weights leave free, at most 4 GiB.
        if (prefix_cache_bytes < 0)
          o.engine.prefix_cache_bytes =
              int64_t(std::min<uint64_t>(*free > weights ? (*free - weights) / 4 : 0, uint64_t(4) << 30));
      }
    }
    if (o.engine.prefix_cache_bytes < 0) o.engine.prefix_cache_bytes = int64_t(1) << 30;
    progress("loading weights from " + dir, 0.99);
    spdlog::info("loading model from {}", dir);
    model::loaded_model m = model::load_model(dir, o);
    if (m.defaults.tower) spdlog::info("vision tower in {} (VISION_DTYPE={})", m.defaults.tower->dtype(), o.vision_dtype);
    return m;
  };
}

}  // namespace vlserve::actors
