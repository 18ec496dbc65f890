// Golden multimodal cases from tests/fixtures/qwen3vl-tiny/cases/<name>.{json,safetensors}
// (HF transformers, float32, eager attention), read through the project's own readers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/chat/chat_request.hpp"
#include "model/vision/patchify.hpp"

namespace vlserve::testing {

// The tower's output for one kind (images or videos): embeds and deepstack, [rows, out_hidden].
struct tower_golden {
  std::vector<float> pixel_values;  // [patches, 1536]
  std::vector<model::vision::grid_thw> grids;
  std::vector<float> embeds;
  std::vector<std::vector<float>> deepstack;
  bool empty() const { return grids.empty(); }
};

struct mm_case {
  std::string name;
  model::chat_request request;  // the case's OpenAI request body, parsed by http/
  std::vector<int64_t> input_ids;
  std::vector<int64_t> position_ids;  // 3 rows of T
  int64_t rope_delta = 0;
  std::vector<float> logits_last4;  // 4 x vocab
  std::vector<int64_t> generated_ids;
  std::vector<double> top1_top2_margins;  // per greedy step
  tower_golden images, videos;
};

mm_case load_mm_case(const std::string& name);
std::vector<std::string> mm_case_names();  // image_single, image_two, video_single, image_and_video

}  // namespace vlserve::testing
