// What the vision tower produces for a list of items. Model-internal (ATen).
#pragma once

#include <ATen/ATen.h>

#include <vector>

namespace vlserve::model::vision {

struct vision_features {
  at::Tensor embeds;                  // [N/4, out_hidden]: one row per merged visual token
  std::vector<at::Tensor> deepstack;  // deepstack[k]: [N/4, out_hidden], tapped after block indexes[k]
};

}  // namespace vlserve::model::vision
