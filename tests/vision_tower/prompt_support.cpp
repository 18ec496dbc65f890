#include "tests/vision_tower/prompt_support.hpp"

#include "tests/text/text_case.hpp"

namespace vlserve::testing {

const model::tokenizer& tiny_tokenizer() {
  static const model::tokenizer tok = model::tokenizer::load(tiny_model_dir() + "/tokenizer.json");
  return tok;
}

model::prompt_defaults tiny_prompt_defaults() {
  static const auto tower =
      std::make_shared<const model::vision::vision_tower>(tiny_model_dir(), model::vision::tower_options{});
  model::prompt_defaults d;
  d.tower = tower;
  d.processor = model::vision::load_processor_config(tiny_model_dir());
  d.max_context = 4096;
  return d;
}

}  // namespace vlserve::testing
