// What request handling needs from the loaded model besides the engine: the tokenizer and the
// defaults for prompt building. Published by the model worker once loading finished; read from
// HTTP handler threads.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "model/serving/prompt_builder.hpp"
#include "model/tokenizer/tokenizer.hpp"

namespace vlserve::actors {

struct model_assets {
  model::tokenizer tok;
  model::prompt_defaults defaults;
  std::string model_name;  // reported by /v1/models and echoed when a request names none
};

class assets_holder {
 public:
  void publish(std::shared_ptr<const model_assets> a) {
    std::lock_guard<std::mutex> lock(mutex_);
    assets_ = std::move(a);
  }
  std::shared_ptr<const model_assets> get() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return assets_;
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const model_assets> assets_;
};

}  // namespace vlserve::actors
