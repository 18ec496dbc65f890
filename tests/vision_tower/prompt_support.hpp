// Shared set-up of the multimodal prompt tests: the fixture tokenizer and prompt defaults with a
// float32 vision tower, as the model worker builds them.
#pragma once

#include "model/serving/prompt_builder.hpp"

namespace vlserve::testing {

const model::tokenizer& tiny_tokenizer();
// Fresh defaults sharing one loaded tower; tests change the media policy on their copy.
model::prompt_defaults tiny_prompt_defaults();

}  // namespace vlserve::testing
