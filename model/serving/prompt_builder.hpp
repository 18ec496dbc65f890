// From an OpenAI request (already parsed into model::chat_request) to what the batch runner needs:
// the rendered prompt, its token ids, M-RoPE positions and the decoding settings with server and
// checkpoint defaults filled in. Torch-free header; runs off the model worker's thread. Requests
// with images/videos also load and preprocess the media and run the vision tower here.
#pragma once

#include <array>
#include <memory>
#include <stdexcept>
#include <string>

#include "model/chat/chat_request.hpp"
#include "model/checkpoint/generation_config.hpp"
#include "media/media_policy.hpp"
#include "model/serving/batch_runner.hpp"
#include "model/tokenizer/tokenizer.hpp"
#include "model/vision/tower/feature_cache.hpp"
#include "model/vision/tower/vision_tower.hpp"
#include "model/vision/vision_config.hpp"

namespace vlserve::model {

// A request the server cannot serve as asked: 400 with `param` naming the field.
struct prompt_error : std::runtime_error {
  prompt_error(const std::string& message, std::string param_name)
      : std::runtime_error(message), param(std::move(param_name)) {}
  std::string param;
};

struct prompt_defaults {
  int max_tokens = 256;        // MAX_TOKENS
  double temperature = 0.7;    // TEMPERATURE
  generation_config generation;  // top_k/top_p/eos ids from the checkpoint
  int64_t max_context = 8192;
  std::size_t vocab_size = 0;  // the tokenizer's; logit_bias ids must be below it (0 = unchecked)
  // REASONING_EFFORT_BUDGETS: thinking budgets for reasoning_effort low, medium, high.
  std::array<int, 3> effort_budgets{1024, 4096, 16384};
  media::media_policy media;  // MEDIA_* limits and sources
  // Null: the server answers media requests with a prompt_error. Shared with the model worker.
  std::shared_ptr<const vision::vision_tower> tower;
  // VISION_CACHE_BYTES: tower outputs of recent requests' images/videos (null = off). Shared.
  std::shared_ptr<vision::feature_cache> vision_cache;
  vision::processor_config processor;  // preprocessor_config.json + video_preprocessor_config.json
};

struct built_prompt {
  std::string text;  // the rendered chat template (before vision pads are expanded)
  sequence_input input;
  // The processor's tensors, for `vlserve generate --dump` (empty for text-only prompts):
  // pixel_values [patches, 3*2*16*16] and grid_thw [items, 3], row-major.
  std::vector<float> pixel_values;
  std::vector<int64_t> image_grid_thw;
  std::vector<float> pixel_values_videos;
  std::vector<int64_t> video_grid_thw;
};

// Throws prompt_error for requests this build cannot serve (e.g. too long for the context, media
// that cannot be loaded or decoded: param names the content part, messages[1].content[0].image_url).
built_prompt build_prompt(const chat_request& request, const tokenizer& tok, const prompt_defaults& defaults);

// The decoding settings alone (sampling + stops) with defaults applied.
decode_settings decoding_for(const chat_request& request, const prompt_defaults& defaults);

}  // namespace vlserve::model
