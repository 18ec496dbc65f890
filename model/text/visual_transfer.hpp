// Vision features as plain floats, so a prompt with images or videos can run on another node of
// the cluster: the node whose tower encoded them flattens its visual_injection into the job, the
// worker that takes the job rebuilds it on its own device and dtype. float32 on the wire holds
// bf16 and float16 values exactly, so the peer computes on the same numbers.
// Torch-free header (actors/ builds remote jobs with it).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace vlserve::model {

struct visual_injection;  // model/text/visual_injection.hpp

struct flat_visual {
  std::vector<int64_t> rows;     // prompt indices the embeddings replace
  int64_t hidden = 0;            // the text model's hidden size
  std::vector<float> embeddings; // rows x hidden, row-major
  int32_t deepstack_layers = 0;
  std::vector<float> deepstack;  // deepstack_layers x rows x hidden
};

flat_visual flatten_visual(const visual_injection& v);
// On `device` in `dtype` (an engine's device() and dtype()). Throws std::invalid_argument when
// the sizes disagree (a peer's job is checked before anything is built from it).
std::shared_ptr<const visual_injection> unflatten_visual(const flat_visual& f, const std::string& device,
                                                         const std::string& dtype);

}  // namespace vlserve::model
