#include "model/serving/loaded_model.hpp"

#include "model/checkpoint/model_fingerprint.hpp"
#include "model/device_info.hpp"
#include "model/vision/tower/feature_cache.hpp"
#include "model/vision/tower/vision_tower.hpp"

namespace vlserve::model {

loaded_model load_model(const std::string& dir, const model_load_options& options) {
  loaded_model m{std::make_unique<text_engine>(dir, options.engine), tokenizer::load(dir + "/tokenizer.json"), {},
                 model_fingerprint(dir)};
  m.defaults.generation = m.engine->generation();
  m.defaults.max_context = options.engine.max_context;
  m.defaults.vocab_size = m.tok.vocab_size();
  if (m.engine->config().has_vision) {
    // Media requests run the tower on the engine's device, in VISION_DTYPE (auto: the engine's
    // dtype, float32 on CPUs without AVX512-BF16); its features come out in the engine's dtype.
    const std::string tower_dtype =
        resolve_vision_dtype(options.vision_dtype, options.engine.dtype, options.engine.device);
    m.defaults.tower = std::make_shared<const vision::vision_tower>(
        dir, vision::tower_options{options.engine.device, tower_dtype, options.engine.dtype});
    m.defaults.processor = vision::load_processor_config(dir);
    if (options.vision_cache_bytes > 0)
      m.defaults.vision_cache = std::make_shared<vision::feature_cache>(options.vision_cache_bytes);
  }
  return m;
}

}  // namespace vlserve::model
